import { Logger } from '@nestjs/common';

// The fleet writer runs here as its own deployment (see the GitOps issue); until it lands the API has
// nothing for it to drain, so the process says so and exits cleanly.
new Logger('BerthWorker').log('The fleet writer is not implemented yet; nothing to do.');
