import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
domain = config.get("domain") or "www.example.com"
zone = aws.route53.get_zone(name="example.com")

site = aws.s3.Bucket("site")
aws.s3.BucketPublicAccessBlock("site", bucket=site.id, block_public_acls=True, block_public_policy=True,
                               ignore_public_acls=True, restrict_public_buckets=True)
aws.s3.BucketObject("index", bucket=site.id, key="index.html", content_type="text/html",
                    source=pulumi.FileAsset("www/index.html"))
oac = aws.cloudfront.OriginAccessControl("site", origin_access_control_origin_type="s3", signing_behavior="always",
                                         signing_protocol="sigv4")
cert = aws.acm.Certificate("site", domain_name=domain, validation_method="DNS")
cdn = aws.cloudfront.Distribution(
    "site", enabled=True, default_root_object="index.html", aliases=[domain],
    origins=[{"origin_id": "s3", "domain_name": site.bucket_regional_domain_name, "origin_access_control_id": oac.id}],
    default_cache_behavior={"target_origin_id": "s3", "viewer_protocol_policy": "redirect-to-https",
                            "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"],
                            "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    restrictions={"geo_restriction": {"restriction_type": "none"}},
    viewer_certificate={"acm_certificate_arn": cert.arn, "ssl_support_method": "sni-only"})
aws.s3.BucketPolicy("site", bucket=site.id, policy=pulumi.Output.all(site.arn, cdn.arn).apply(lambda a: json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                   "Resource": f"{a[0]}/*", "Condition": {"StringEquals": {"AWS:SourceArn": a[1]}}}],
})))
aws.route53.Record("site", zone_id=zone.zone_id, name=domain, type="A",
                   aliases=[{"name": cdn.domain_name, "zone_id": cdn.hosted_zone_id, "evaluate_target_health": False}])
pulumi.export("url", pulumi.Output.concat("https://", domain))
