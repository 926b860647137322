/**
 * The console in AWS, pinned: a private bucket read only by CloudFront (origin access control),
 * HTTPS only with security headers, the bundle built at synth with the local esbuild, a config.json
 * naming the API written at deploy, and the ConsoleUrl output.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesizeOnce } from '../support/synthesized.ts';

const synth = synthesizeOnce({ bundle: false, nag: false });

describe('the console stack', () => {
  it('keeps the files in a private, encrypted bucket that refuses plain HTTP', () => {
    const id = synth.logicalId(synth.stack.console.bucket);
    expect(synth.resources[id].Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
          }),
        ]),
      },
    });
  });

  it('serves it through CloudFront only, over HTTPS, with origin access control and security headers', () => {
    synth.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only' }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
    synth.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    const policy = synth.ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]?.[1];
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers).toMatchObject({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 31_536_000,
        IncludeSubdomains: true,
        Override: true,
      },
    });
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'; script-src 'self'");
    expect(csp).toContain('https://*.execute-api.');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("uploads the bundle built at synth and a config.json naming the API's URL, resolved at deploy", () => {
    const deployment = synth.ofType('Custom::CDKBucketDeployment')[0]?.[1];
    const markers = deployment.Properties.SourceMarkers as Record<string, unknown>[];
    const api = synth.logicalId(synth.stack.api.httpApi);
    expect(JSON.stringify(markers)).toContain(JSON.stringify({ 'Fn::GetAtt': [api, 'ApiEndpoint'] }));
    // The bundle is an asset directory of the assembly: the page, its script and style, no config of its own.
    const dirs = readdirSync(synth.assemblyDir).filter((d) => d.startsWith('asset.'));
    const bundle = dirs.map((d) => join(synth.assemblyDir, d)).find((d) => existsSync(join(d, 'main.js')));
    expect(bundle).toBeDefined();
    expect(readdirSync(bundle as string).sort()).toEqual(['index.html', 'main.css', 'main.js']);
  });

  it('outputs the console URL', () => {
    expect(synth.template.toJSON().Outputs.ConsoleUrl.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [synth.logicalId(synth.stack.console.distribution), 'DomainName'] }],
      ],
    });
  });
});
