import { operationsByResource } from '../shared/app/api-operations';
import { registerOperations } from '../shared/app/register-operations';

registerOperations(operationsByResource.webhooks);
