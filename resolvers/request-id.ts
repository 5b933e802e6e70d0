/** The description every create input's `requestId` field carries in the SDL. */
export const REQUEST_ID_DESCRIPTION =
  'A client-chosen idempotency key (1-128 printable ASCII characters), remembered per user for IDEMPOTENCY_KEY_TTL_SECONDS: sending the same mutation again with it returns the object the first one created instead of creating another; reused with different input it is BAD_USER_INPUT.';
