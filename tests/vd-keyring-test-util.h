#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real gnome-keyring daemon on a private D-Bus session bus, both started for one test
 * program and stopped at its end. Neither can see a display: a locked keyring then fails at
 * once instead of opening a password prompt (headless-testing.md). Each test program gets its
 * own, so tests that store, replace and remove AccessKeys can run in parallel with each other
 * and with tests that expect no AccessKey at all, and never touch the developer's keyring. */
typedef struct _VdTestKeyring VdTestKeyring;

/* Starts both in a new temporary folder (it holds XDG_DATA_HOME, XDG_CONFIG_HOME,
 * XDG_CACHE_HOME and XDG_RUNTIME_DIR, which this process then uses too) and points this
 * process's DBUS_SESSION_BUS_ADDRESS at the bus. Call right after g_test_init, before anything
 * connects to a bus or reads the XDG folders. Fails the program when the keyring does not come
 * up within 10 s. */
VdTestKeyring *vd_test_keyring_start       (void);
void           vd_test_keyring_stop        (VdTestKeyring *self);
/* The temporary folder, to search for leaked secrets. */
const char    *vd_test_keyring_get_folder  (VdTestKeyring *self);
/* Locks the login collection through the Secret Service's Lock method. There is no way back
 * without a prompt: lock in the last test of a program. */
void           vd_test_keyring_lock        (VdTestKeyring *self);
/* Kills the keyring daemon (SIGKILL, as a crash would) and waits until it has gone and its bus
 * name has no owner. The bus may start a new daemon by D-Bus activation on the next call to
 * the Secret Service, as a desktop session would: that one has the login keyring locked. */
void           vd_test_keyring_kill_daemon (VdTestKeyring *self);
/* Whether any file under @folder contains @needle (as bytes). */
gboolean       vd_test_folder_contains     (const char *folder,
                                            const char *needle);

G_END_DECLS
