/* fuzz-answer-parser.c: libFuzzer target for the answer parser (JSON and XML)
 *
 * The first byte picks the HTTP status the answer came with; the rest is the body, exactly as
 * many bytes as given and not NUL-terminated, as the client hands it over. Whatever the body,
 * the parser must return either a result or an error, never both and never neither, and
 * everything it returns must be text the window can show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vd-answer-parser.h"
#include "vd-fuzz.h"

static const guint statuses[] = { 200, 200, 200, 200, 400, 403, 404, 500, 502, 503, 302, 0 };

static void
check_text (const char *text)
{
  if (text != NULL)
    VD_FUZZ_CHECK (g_utf8_validate (text, -1, NULL));
}

static void
check_id_card (const VdIdCardInfo *info)
{
  const char * const fields[] = {
    info->name, info->number, info->sex, info->nationality, info->birth, info->address,
    info->authority, info->start_date, info->end_date, info->front_image_url,
    info->back_image_url,
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    check_text (fields[i]);
  /* No expiry and an end date exclude each other. */
  VD_FUZZ_CHECK (!(info->no_expiry && info->end_date != NULL));
}

static void
check_result (const VdVerifyResult *result,
              guint                 status)
{
  const char * const fields[] = {
    result->request_id, result->verify_token, result->face_image_url, result->material_name,
    result->material_number, result->face_quality, result->face_mask, result->code,
    result->message, result->recommend, result->host_id,
  };

  VD_FUZZ_CHECK (result->http_status == status);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    check_text (fields[i]);
  if (result->id_card != NULL)
    check_id_card (result->id_card);

  switch (result->kind)
    {
    case VD_ANSWER_VERDICT:
      if (result->has_score)
        VD_FUZZ_CHECK (result->score >= 0.0 && result->score <= 100.0);
      if (result->has_card_face_score)
        VD_FUZZ_CHECK (result->card_face_score >= 0.0 && result->card_face_score <= 100.0);
      break;
    case VD_ANSWER_IDENTITY_ERROR:
    case VD_ANSWER_GATEWAY_ERROR:
      VD_FUZZ_CHECK (result->code != NULL && result->code[0] != '\0');
      break;
    default:
      VD_FUZZ_CHECK (!"an answer kind outside the enumeration");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdVerifyResult) result = NULL;
  guint status;

  if (size == 0)
    return 0;

  status = statuses[data[0] % G_N_ELEMENTS (statuses)];
  result = vd_answer_parse (status, (const char *) data + 1, size - 1, &error);

  VD_FUZZ_CHECK ((result == NULL) != (error == NULL));
  if (result != NULL)
    {
      check_result (result, status);
    }
  else
    {
      VD_FUZZ_CHECK (error->domain == VD_ANSWER_ERROR);
      VD_FUZZ_CHECK (error->message != NULL && error->message[0] != '\0');
      VD_FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
    }

  return 0;
}
