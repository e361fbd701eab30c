import type { AccessToken, TokenCredential } from '@azure/identity';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';

/**
 * The identity the app uses for Azure services: the user-assigned managed identity when its client
 * id is known, otherwise whatever DefaultAzureCredential finds (a developer's az login, ...).
 */
export function createAzureCredential(clientId?: string): TokenCredential {
  return clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
}

/**
 * Local stand-ins (Key Vault on http://127.0.0.1) accept any bearer token; this gives them one
 * without an Azure sign-in. It is only ever used for loopback http URLs.
 */
export const localDevelopmentCredential: TokenCredential = {
  getToken(): Promise<AccessToken> {
    return Promise.resolve({
      token: 'local-development-token',
      expiresOnTimestamp: Date.now() + 60 * 60 * 1000,
    });
  },
};

/** True for http URLs on this machine: the only place the local credential may be sent. */
export function isLocalHttpUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return (
    protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname.toLowerCase())
  );
}
