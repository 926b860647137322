/**
 * The console in AWS: its static files in a private S3 bucket, served only through CloudFront (origin
 * access control, HTTPS only, security headers), and a `config.json` beside them naming the API, written
 * at deploy when the API's URL is known. The files are built with the local esbuild at synth.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildConsoleSync } from '../../console/build.ts';

/**
 * What the console's pages may load: their own files, and the API of this region (its exact host is
 * known only after the API exists, and naming it here would make the API and the distribution depend
 * on each other through CORS).
 */
export const consoleCsp = () =>
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  `connect-src 'self' https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}; ` +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export interface ConsoleSiteProps {
  /** For the bucket and its files. @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
}

export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<id>.cloudfront.net`: the console's origin, the one CORS on the API allows. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy,
    });
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp(), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'Outbound console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        responseHeadersPolicy: headers,
        // About 30 KB gzipped, with names that do not change between deploys: not cached at the edge,
        // so a deploy shows at once without an invalidation (whose grant would cover every distribution).
        cachePolicy: CachePolicy.CACHING_DISABLED,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    const acknowledge = (id: string, reason: string) => Validations.of(this).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-S1',
      'The bucket holds only the console bundle (public code, no data), and only CloudFront reads it through origin access control.',
    );
    acknowledge(
      'AwsSolutions-CFR1',
      'Operators sign in from wherever they work; access to anything of value is by API key, checked by the API, not by country.',
    );
    acknowledge(
      'AwsSolutions-CFR2',
      'The distribution serves static files only; the API it calls has its own stage throttling, request budget and access keys.',
    );
    acknowledge(
      'AwsSolutions-CFR3',
      'The distribution serves static files only: every request that reads or changes data is in the API access logs instead.',
    );
    acknowledge(
      'AwsSolutions-CFR4',
      'The default cloudfront.net certificate cannot pin a TLS minimum; TLS 1.2 (TLS_V1_2_2021) applies once a custom domain is added.',
    );
  }

  /** Uploads the built console and a config.json naming `apiBaseUrl` (a token resolved at deploy). */
  deploy(apiBaseUrl: string) {
    const built = buildConsoleSync(mkdtempSync(join(tmpdir(), 'outbound-console-')), null);
    const deployment = new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(built.dir), Source.jsonData('config.json', { apiBase: apiBaseUrl })],
      destinationBucket: this.bucket,
      memoryLimit: 256,
    });
    // CDK's own deployment handler: one function per stack, at its root.
    for (const child of Stack.of(this).node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      const ack = (id: string, reason: string) => Validations.of(child).acknowledge({ id, reason });
      ack(
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's bucket deployment handler (deploy time only) writes its own logs with AWS's basic execution role, which CDK attaches.",
      );
      ack(
        'AwsSolutions-L1',
        "CDK's bucket deployment handler (deploy time only) runs on the Python runtime CDK pins for it with its AWS CLI layer.",
      );
      const copies =
        "CDK's bucket deployment handler (deploy time only) copies the console bundle from CDK's asset bucket into the console bucket";
      for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
        ack(`AwsSolutions-IAM5[Action::${action}]`, `${copies} (CDK's grant).`);
      }
      ack(
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        `${copies}: it reads the asset, whose key is known only at deploy.`,
      );
      ack(
        `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
        `${copies}: every key of the console bucket, which holds nothing else.`,
      );
    }
    return deployment;
  }
}
