import { operationsByResource } from '../shared/api-operations';
import { registerOperations } from './register-operations';

registerOperations(operationsByResource.refreshes);
