import { SecretClient } from '@azure/keyvault-secrets';
import type { TokenCredential } from '@azure/identity';
import {
  createAzureCredential,
  isLocalHttpUrl,
  localDevelopmentCredential,
} from './azure-credential';

/**
 * The one place a SecretClient is built. Against the local Key Vault stand-in (plain http on
 * loopback) the client must allow http and skip the challenge's resource check, since
 * "127.0.0.1" never ends with ".vault.azure.net".
 */
export function createSecretClient(vaultUrl: string, clientId?: string): SecretClient {
  if (isLocalHttpUrl(vaultUrl)) {
    return new SecretClient(vaultUrl, localDevelopmentCredential, {
      allowInsecureConnection: true,
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 2 },
    });
  }
  const credential: TokenCredential = createAzureCredential(clientId);
  return new SecretClient(vaultUrl, credential);
}
