import { operationsByResource } from '../shared/app/api-operations';
import { registerOperations } from './register-operations';

registerOperations(operationsByResource.segments);
