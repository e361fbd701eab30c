// The app's one identity. User-assigned, so it exists before the app and keeps its principal id
// (and every role assignment made to it) when the app is deleted and deployed again.
param name string
param location string
param tags { *: string } = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
