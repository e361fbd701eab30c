import { startAzurite } from '../../local/azurite';

/**
 * One Azurite for the whole run, on random ports so runs never collide; tests read its connection
 * string from AzureWebJobsStorage and keep apart by using their own queue, table and container names.
 */
export default async function globalSetup(): Promise<void> {
  const azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
  process.env.AzureWebJobsStorage = azurite.connectionString;
  (globalThis as { __azurite?: typeof azurite }).__azurite = azurite;
}
