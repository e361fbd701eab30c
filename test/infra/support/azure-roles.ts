/**
 * The Azure built-in roles the checks know, with the permissions each grants (actions and data
 * actions together, as Azure's role definitions list them), and the permission each Azure SDK
 * operation the app may call needs (Azure Storage's "Permissions for calling data operations" and
 * Key Vault's RBAC data actions). An SDK operation that is not listed here fails the role check
 * until someone writes down what it needs.
 */

export interface Role {
  id: string;
  name: string;
  permissions: string[];
  /** Built-in roles that grant a subset of this one: a check prefers them when they suffice. */
  narrower: string[];
}

const blob = 'Microsoft.Storage/storageAccounts/blobServices';
const queue = 'Microsoft.Storage/storageAccounts/queueServices';
const table = 'Microsoft.Storage/storageAccounts/tableServices';
const secrets = 'Microsoft.KeyVault/vaults/secrets';

export const roles: Role[] = [
  {
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    name: 'Storage Blob Data Owner',
    permissions: [`${blob}/containers/*`, `${blob}/generateUserDelegationKey/action`],
    narrower: ['Storage Blob Data Contributor', 'Storage Blob Data Reader'],
  },
  {
    id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    name: 'Storage Blob Data Contributor',
    permissions: [
      `${blob}/containers/delete`,
      `${blob}/containers/read`,
      `${blob}/containers/write`,
      `${blob}/generateUserDelegationKey/action`,
      `${blob}/containers/blobs/delete`,
      `${blob}/containers/blobs/read`,
      `${blob}/containers/blobs/write`,
      `${blob}/containers/blobs/move/action`,
      `${blob}/containers/blobs/add/action`,
    ],
    narrower: ['Storage Blob Data Reader'],
  },
  {
    id: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    name: 'Storage Blob Data Reader',
    permissions: [
      `${blob}/containers/read`,
      `${blob}/generateUserDelegationKey/action`,
      `${blob}/containers/blobs/read`,
    ],
    narrower: [],
  },
  {
    id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    name: 'Storage Queue Data Contributor',
    permissions: [
      `${queue}/queues/delete`,
      `${queue}/queues/read`,
      `${queue}/queues/write`,
      `${queue}/queues/messages/delete`,
      `${queue}/queues/messages/read`,
      `${queue}/queues/messages/write`,
      `${queue}/queues/messages/add/action`,
      `${queue}/queues/messages/process/action`,
    ],
    narrower: [
      'Storage Queue Data Reader',
      'Storage Queue Data Message Processor',
      'Storage Queue Data Message Sender',
    ],
  },
  {
    id: '19e7f393-937e-4f77-808e-94535e297925',
    name: 'Storage Queue Data Reader',
    permissions: [`${queue}/queues/read`, `${queue}/queues/messages/read`],
    narrower: [],
  },
  {
    id: '8a0f0c08-91a1-4084-bc3d-661d67233fed',
    name: 'Storage Queue Data Message Processor',
    permissions: [`${queue}/queues/messages/read`, `${queue}/queues/messages/process/action`],
    narrower: [],
  },
  {
    id: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a',
    name: 'Storage Queue Data Message Sender',
    permissions: [`${queue}/queues/messages/add/action`],
    narrower: [],
  },
  {
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    name: 'Storage Table Data Contributor',
    permissions: [
      `${table}/tables/read`,
      `${table}/tables/write`,
      `${table}/tables/delete`,
      `${table}/tables/entities/read`,
      `${table}/tables/entities/write`,
      `${table}/tables/entities/delete`,
      `${table}/tables/entities/add/action`,
      `${table}/tables/entities/update/action`,
    ],
    narrower: ['Storage Table Data Reader'],
  },
  {
    id: '76199698-9eea-4c19-bc75-cec21354c6b6',
    name: 'Storage Table Data Reader',
    permissions: [`${table}/tables/read`, `${table}/tables/entities/read`],
    narrower: [],
  },
  {
    id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    name: 'Key Vault Secrets Officer',
    permissions: [`${secrets}/*`],
    narrower: ['Key Vault Secrets User'],
  },
  {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    name: 'Key Vault Secrets User',
    permissions: [`${secrets}/getSecret/action`, `${secrets}/readMetadata/action`],
    narrower: [],
  },
  {
    id: '3913510d-42f4-4e42-8a64-420c390055eb',
    name: 'Monitoring Metrics Publisher',
    permissions: ['Microsoft.Insights/Metrics/Write', 'Microsoft.Insights/Telemetry/Write'],
    narrower: [],
  },
];

/** Roles that reach far beyond what one app needs; the app's identity must hold none of them. */
export const overBroadRoles: Record<string, string> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  '17d1049b-9a84-46fb-8f53-869881c3d3ab': 'Storage Account Contributor',
  '00482a5a-887f-4fb3-b363-3b7fe8e74483': 'Key Vault Administrator',
};

export function roleById(id: string): Role | undefined {
  return roles.find((role) => role.id === id.toLowerCase());
}

export function roleByName(name: string): Role | undefined {
  return roles.find((role) => role.name === name);
}

/** Whether a role's permission (which may end in a `*` wildcard) grants a needed permission. */
function grants(pattern: string, needed: string): boolean {
  const expression = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${expression}$`, 'i').test(needed);
}

export function roleGrants(role: Role, needed: string): boolean {
  return role.permissions.some((pattern) => grants(pattern, needed));
}

/** The permission each Azure SDK operation needs, by `Class.method`. */
export const operationPermissions: Record<string, string[]> = {
  // Building clients sends no request.
  'BlobServiceClient.fromConnectionString': [],
  'BlobServiceClient.getContainerClient': [],
  'ContainerClient.getBlobClient': [],
  'ContainerClient.getBlockBlobClient': [],
  'QueueServiceClient.fromConnectionString': [],
  'QueueServiceClient.getQueueClient': [],
  'TableClient.fromConnectionString': [],
  'TableServiceClient.fromConnectionString': [],
  'TableServiceClient.getTableClient': [],

  'BlobClient.download': [`${blob}/containers/blobs/read`],
  'BlobClient.downloadToBuffer': [`${blob}/containers/blobs/read`],
  'BlobClient.exists': [`${blob}/containers/blobs/read`],
  'BlobClient.getProperties': [`${blob}/containers/blobs/read`],
  'BlobClient.delete': [`${blob}/containers/blobs/delete`],
  'BlobClient.deleteIfExists': [`${blob}/containers/blobs/delete`],
  'BlobClient.setMetadata': [`${blob}/containers/blobs/write`],
  'BlockBlobClient.upload': [`${blob}/containers/blobs/write`],
  'BlockBlobClient.uploadData': [`${blob}/containers/blobs/write`],
  'BlockBlobClient.uploadStream': [`${blob}/containers/blobs/write`],
  'BlockBlobClient.stageBlock': [`${blob}/containers/blobs/write`],
  'BlockBlobClient.commitBlockList': [`${blob}/containers/blobs/write`],
  'ContainerClient.createIfNotExists': [`${blob}/containers/write`],
  'ContainerClient.deleteBlob': [`${blob}/containers/blobs/delete`],
  'ContainerClient.exists': [`${blob}/containers/read`],
  'ContainerClient.getProperties': [`${blob}/containers/read`],
  'ContainerClient.listBlobsByHierarchy': [`${blob}/containers/blobs/read`],
  'ContainerClient.listBlobsFlat': [`${blob}/containers/blobs/read`],

  'QueueClient.createIfNotExists': [`${queue}/queues/write`],
  'QueueClient.deleteMessage': [`${queue}/queues/messages/delete`],
  'QueueClient.exists': [`${queue}/queues/read`],
  'QueueClient.getProperties': [`${queue}/queues/read`],
  'QueueClient.peekMessages': [`${queue}/queues/messages/read`],
  'QueueClient.receiveMessages': [`${queue}/queues/messages/process/action`],
  'QueueClient.sendMessage': [`${queue}/queues/messages/add/action`],
  'QueueClient.updateMessage': [`${queue}/queues/messages/write`],

  'TableClient.createEntity': [`${table}/tables/entities/add/action`],
  'TableClient.deleteEntity': [`${table}/tables/entities/delete`],
  'TableClient.getEntity': [`${table}/tables/entities/read`],
  'TableClient.listEntities': [`${table}/tables/entities/read`],
  // A transaction may insert, replace, merge and delete.
  'TableClient.submitTransaction': [
    `${table}/tables/entities/add/action`,
    `${table}/tables/entities/write`,
    `${table}/tables/entities/update/action`,
    `${table}/tables/entities/delete`,
  ],
  'TableClient.updateEntity': [`${table}/tables/entities/update/action`],
  'TableClient.upsertEntity': [`${table}/tables/entities/write`],
  'TableServiceClient.createTable': [`${table}/tables/write`],
  'TableServiceClient.listTables': [`${table}/tables/read`],

  'SecretClient.beginDeleteSecret': [`${secrets}/delete`],
  'SecretClient.beginRecoverDeletedSecret': [`${secrets}/recover/action`],
  'SecretClient.getSecret': [`${secrets}/getSecret/action`],
  'SecretClient.listPropertiesOfSecrets': [`${secrets}/readMetadata/action`],
  'SecretClient.purgeDeletedSecret': [`${secrets}/purge/action`],
  'SecretClient.setSecret': [`${secrets}/setSecret/action`],
  'SecretClient.updateSecretProperties': [`${secrets}/update/action`],
};

/** The SDK packages whose calls reach a resource the template grants access to. */
export const dataPlaneSdks = [
  '@azure/storage-blob',
  '@azure/storage-queue',
  '@azure/data-tables',
  '@azure/keyvault-secrets',
];

/**
 * What the Functions host itself needs, beyond the app's own calls (Azure Functions docs,
 * "Connecting to host storage with an identity" and the queue trigger's permissions).
 */
export const hostNeeds = {
  /** AzureWebJobsStorage with an identity: the docs' minimum for the host's own blobs. */
  hostStorageRole: 'Storage Blob Data Owner',
  /** A queue trigger reads the queue's length, receives, releases (update) and deletes messages,
   * and adds a message to the poison queue after maxDequeueCount failures. */
  queueTrigger: [
    `${queue}/queues/read`,
    `${queue}/queues/messages/process/action`,
    `${queue}/queues/messages/write`,
    `${queue}/queues/messages/delete`,
    `${queue}/queues/messages/add/action`,
  ],
  /** Application Insights with local authentication off takes telemetry only with a token. */
  telemetry: ['Microsoft.Insights/Telemetry/Write'],
};
