/** CDK entry point (cdk.json): one stack, checked by cdk-nag's AWS Solutions rules on every synth. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OutboundStack } from './outbound-stack.ts';

const app = new App();
new OutboundStack(app, app.node.tryGetContext('outbound:stackName') ?? 'Outbound');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
