/**
 * The failures the stand-in answers with, in Key Vault's shape:
 * `{"error":{"code","message","innererror"?:{"code"}}}`. The SDK turns `error.code` into
 * `RestError.code`, so codes and status pairs follow what the real service sends.
 */
export class KeyVaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
  ) {
    super(message);
    this.name = 'KeyVaultError';
  }

  toBody(): { error: { code: string; message: string; innererror?: { code: string } } } {
    const error = { code: this.code, message: this.message };
    return { error: this.innerCode ? { ...error, innererror: { code: this.innerCode } } : error };
  }
}

export function badParameter(message: string): KeyVaultError {
  return new KeyVaultError(400, 'BadParameter', message);
}

export function invalidName(name: string): KeyVaultError {
  return badParameter(`The request URI contains an invalid name: ${name}`);
}

/** Key Vault's wording; `nameOrId` is `name` or `name/version`. */
export function secretNotFound(nameOrId: string): KeyVaultError {
  return new KeyVaultError(
    404,
    'SecretNotFound',
    `A secret with (name/id) ${nameOrId} was not found in this key vault. If you recently ` +
      'deleted this secret you may be able to recover it using the correct recovery command. ' +
      'For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182',
  );
}

export function deletedSecretNotFound(name: string): KeyVaultError {
  return new KeyVaultError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
}

/** Real Key Vault refuses to return the value of a disabled version: 403, not 404. */
export function secretDisabled(): KeyVaultError {
  return new KeyVaultError(
    403,
    'Forbidden',
    'Operation get is not allowed on a disabled secret.',
    'SecretDisabled',
  );
}

/** A name stays reserved while its secret is soft-deleted, until it is recovered or purged. */
export function deletedButRecoverable(name: string): KeyVaultError {
  return new KeyVaultError(
    409,
    'Conflict',
    `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be ` +
      'reused; in this state, the secret can only be recovered or purged.',
    'ObjectIsDeletedButRecoverable',
  );
}

export function purgeProtected(): KeyVaultError {
  return new KeyVaultError(
    403,
    'Forbidden',
    'Operation "purge" is not allowed because purge protection is enabled for this vault. ' +
      'Key Vault service will automatically purge it after the retention period has passed.',
  );
}

export function missingBearerToken(): KeyVaultError {
  return new KeyVaultError(
    401,
    'Unauthorized',
    'AKV10000: Request is missing a Bearer or PoP token.',
  );
}

export function routeNotFound(path: string): KeyVaultError {
  return new KeyVaultError(404, 'NotFound', `No route matches ${path}.`);
}

export function methodNotAllowed(method: string, path: string): KeyVaultError {
  return new KeyVaultError(
    405,
    'MethodNotAllowed',
    `The requested resource ${path} does not support http method '${method}'.`,
  );
}

export function bodyTooLarge(limitBytes: number): KeyVaultError {
  return new KeyVaultError(413, 'RequestTooLarge', `The request body exceeds ${limitBytes} bytes.`);
}
