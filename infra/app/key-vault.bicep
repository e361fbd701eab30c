// One secret per Iterable connection. Access is by Azure RBAC only (no access policies); deleted
// secrets stay recoverable for 90 days, and purge protection means no one, the app included, can
// destroy one sooner. Purge protection cannot be turned off once on, and the retention cannot
// change after creation: both are constants so every redeployment sends the same values.
// A deleted vault keeps its name for those 90 days, which is why main.bicep gives the name a
// generation that changes after `azd down` (infra/README.md, "The Key Vault's name").
param name string
param location string
param tags { *: string } = {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    // Network exposure (infra/README.md, "Network exposure"): the public endpoint is open to every
    // network, and only Entra identities with a Key Vault role on this vault get a secret (RBAC,
    // no access policies). A network rule would lock the app out: a Flex Consumption app outside a
    // virtual network calls from shared addresses that change. Key Vault has no TLS setting: the
    // service itself accepts TLS 1.2 or later only.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      // Trusted Azure services; it matters only once defaultAction is Deny.
      bypass: 'AzureServices'
    }
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
