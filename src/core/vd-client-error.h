#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Failures of a verification that are not an answer from the service. Defined in core so that
 * the verdict (what the operator is told) can explain them without seeing the network layer. */
#define VD_CLIENT_ERROR (vd_client_error_quark ())

typedef enum {
  VD_CLIENT_ERROR_INVALID_ENDPOINT, /* not a URL, or plain http to anything but loopback */
  VD_CLIENT_ERROR_NOT_SENT,         /* could not connect or resolve: nothing reached the service */
  VD_CLIENT_ERROR_CONNECT_TIMEOUT,  /* no connection within the connect timeout: not sent */
  VD_CLIENT_ERROR_TLS,              /* the server's certificate is not trusted: not sent */
  VD_CLIENT_ERROR_OUTCOME_UNKNOWN,  /* sent, then no answer (read timeout, connection reset) */
  VD_CLIENT_ERROR_NO_CREDENTIALS,   /* no AccessKey configured and not in training mode */
  VD_CLIENT_ERROR_CONNECTION_REFUSED, /* nothing listens at the endpoint: not sent */
  VD_CLIENT_ERROR_HOST_NOT_FOUND,   /* the endpoint's name does not resolve: not sent */
  VD_CLIENT_ERROR_NOT_RECORDED,     /* the history cannot record the verification: not sent */
} VdClientError;

GQuark vd_client_error_quark (void);

G_END_DECLS
