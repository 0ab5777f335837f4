"""Organization mode (docs/organization.md): who owns each security singleton, enrolment, the organization trail,
the SCP attachments. The organization-mode variant of shared, dev and prod is synthesized once for this module."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.conftest import decoded
from tests.iam_lint import lint
from tests.organization_variant import NEW_ACCOUNT, organization_project

pytestmark = pytest.mark.heavy

SECURITY, SERVICES, DEV, PROD, MANAGEMENT = "111111111111", "222222222222", "333333333333", "444444444444", "999999999999"
ORG_TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:999999999999:trail/acme-organization-trail"
BOTH = ("us-east-1", "us-west-2")

DETECTOR = "aws:guardduty/detector:Detector"
HUB = "aws:securityhub/account:Account"
MACIE = "aws:macie2/account:Account"
TRAIL = "aws:cloudtrail/trail:Trail"
GD_ADMIN = "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount"
SH_ADMIN = "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount"
MACIE_ADMIN = "aws:macie2/organizationAdminAccount:OrganizationAdminAccount"
GD_ORG = "aws:guardduty/organizationConfiguration:OrganizationConfiguration"
SH_ORG = "aws:securityhub/organizationConfiguration:OrganizationConfiguration"
MACIE_ORG = "aws:macie2/organizationConfiguration:OrganizationConfiguration"
SH_MEMBER = "aws:securityhub/member:Member"
MACIE_MEMBER = "aws:macie2/member:Member"
AGGREGATOR = "aws:cfg/configurationAggregator:ConfigurationAggregator"
ANALYZER = "aws:accessanalyzer/analyzer:Analyzer"
FINDINGS = "aws:securityhub/findingAggregator:FindingAggregator"
DELEGATED = "aws:organizations/delegatedAdministrator:DelegatedAdministrator"
SCP = "aws:organizations/policy:Policy"
ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"
SINGLETONS = (DETECTOR, HUB, MACIE, TRAIL, GD_ADMIN, SH_ADMIN, MACIE_ADMIN, GD_ORG, SH_ORG, MACIE_ORG, AGGREGATOR, ANALYZER, FINDINGS)


@pytest.fixture(scope="module")
def org_project(tmp_path_factory):
    return organization_project(tmp_path_factory)


@pytest.fixture(scope="module")
def org(org_project, synth_variant) -> dict:
    """shared, dev and prod in organization mode (prod with a new workload account added by config alone)."""
    project = org_project
    shared = synth_variant(project, "shared", {})
    refs = {"shared": shared.outputs}
    return {"shared": shared, "dev": synth_variant(project, "dev", refs), "prod": synth_variant(project, "prod", refs)}


def where(snap, record) -> tuple[str, str]:
    p = snap.provider_of(record)
    return decoded(p.inputs["allowedAccountIds"])[0], p.inputs["region"]


def owners(snaps: dict, token: str) -> dict[str, set[tuple[str, str]]]:
    """Stack -> the (account, region) of every resource of ``token`` it registers."""
    return {name: {where(snap, r) for r in snap.of_type(token)} for name, snap in snaps.items()}


def singleton_keys(snaps: dict) -> Counter:
    """(type, account, region, identity) of every singleton-like resource across the stacks."""
    keys: Counter = Counter()
    for snap in snaps.values():
        for token in SINGLETONS:
            for r in snap.of_type(token):
                keys[(token, *where(snap, r))] += 1
        for token in (SH_MEMBER, MACIE_MEMBER):
            for r in snap.of_type(token):
                keys[(token, *where(snap, r), r.inputs["accountId"])] += 1
        for r in snap.of_type(DELEGATED):
            keys[(DELEGATED, r.inputs["servicePrincipal"])] += 1
        for r in snap.of_type(SCP):
            keys[(SCP, r.inputs["name"])] += 1
    return keys


def test_both_modes_synthesize_all_three_stacks(snapshots, org):
    for snaps in (snapshots, org):
        assert set(snaps) >= {"shared", "dev", "prod"}
        for snap in snaps.values():
            assert snap.of_type("aws:kms/key:Key")
    assert "organization" not in snapshots["shared"].outputs
    assert org["shared"].outputs["organization"]["mode"] == "organization"


def test_standalone_every_account_owns_its_detectors_hub_macie_and_trail(snapshots):
    snaps = {k: snapshots[k] for k in ("shared", "dev", "prod")}
    expected = {"shared": {(a, r) for a in (SECURITY, SERVICES) for r in BOTH}, "dev": {(DEV, "us-east-1")},
                "prod": {(PROD, r) for r in BOTH}}
    for token in (DETECTOR, HUB, MACIE):
        assert owners(snaps, token) == expected, token
    assert owners(snaps, TRAIL) == {"shared": {(SECURITY, "us-east-1"), (SERVICES, "us-east-1")}, "dev": {(DEV, "us-east-1")},
                                    "prod": {(PROD, "us-east-1")}}
    for token in (GD_ADMIN, SH_ADMIN, MACIE_ADMIN, AGGREGATOR, ANALYZER, DELEGATED, SCP):
        assert owners(snaps, token) == {"shared": set(), "dev": set(), "prod": set()}, token


def test_organization_only_the_delegated_administrator_enables_the_services(org):
    admin_only = {"shared": {(SECURITY, r) for r in BOTH}, "dev": set(), "prod": set()}
    for token in (DETECTOR, HUB, MACIE, GD_ORG, SH_ORG, MACIE_ORG, ANALYZER):
        assert owners(org, token) == admin_only, token
    for token in (GD_ADMIN, SH_ADMIN, MACIE_ADMIN):
        assert owners(org, token) == {"shared": {(MANAGEMENT, r) for r in BOTH}, "dev": set(), "prod": set()}, token
        assert {r.inputs["adminAccountId"] for r in org["shared"].of_type(token)} == {SECURITY}
    assert owners(org, AGGREGATOR) == {"shared": {(SECURITY, "us-east-1")}, "dev": set(), "prod": set()}
    assert owners(org, FINDINGS) == {"shared": {(SECURITY, "us-east-1")}, "dev": set(), "prod": set()}
    assert owners(org, TRAIL) == {"shared": {(MANAGEMENT, "us-east-1")}, "dev": set(), "prod": set()}
    delegated = org["shared"].of_type(DELEGATED)
    assert {(where(org["shared"], r)[0], r.inputs["accountId"], r.inputs["servicePrincipal"]) for r in delegated} == {
        (MANAGEMENT, SECURITY, "config.amazonaws.com"), (MANAGEMENT, SECURITY, "access-analyzer.amazonaws.com")}


@pytest.mark.parametrize("mode", ["standalone", "organization"])
def test_no_singleton_is_created_twice_across_stacks(mode, snapshots, org):
    snaps = org if mode == "organization" else {k: snapshots[k] for k in ("shared", "dev", "prod")}
    keys = singleton_keys(snaps)
    assert keys, "nothing to check"
    assert [k for k, n in keys.items() if n > 1] == []


def test_auto_enable_and_aggregation_settings(org):
    shared = org["shared"]
    assert {r.inputs["autoEnableOrganizationMembers"] for r in shared.of_type(GD_ORG)} == {"ALL"}
    features = shared.of_type("aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature")
    assert {(r.inputs["name"], r.inputs["autoEnable"]) for r in features} == {("S3_DATA_EVENTS", "ALL")}
    assert {(r.inputs["autoEnable"], r.inputs["autoEnableStandards"]) for r in shared.of_type(SH_ORG)} == {(True, "DEFAULT")}
    assert {r.inputs["autoEnable"] for r in shared.of_type(MACIE_ORG)} == {True}
    (findings,) = shared.of_type(FINDINGS)
    assert findings.inputs["linkingMode"] == "SPECIFIED_REGIONS" and findings.inputs["specifiedRegions"] == ["us-west-2"]
    (aggregator,) = shared.of_type(AGGREGATOR)
    assert aggregator.inputs["organizationAggregationSource"]["allRegions"] is True
    assert {r.inputs["type"] for r in shared.of_type(ANALYZER)} == {"ORGANIZATION"}


def test_designation_follows_the_administrators_own_enablement(org):
    """Otherwise the designation enables the service in the security account and its own Detector/Account fails."""
    shared = org["shared"]
    by_urn = shared.by_urn
    for admin_type, own_type in ((GD_ADMIN, DETECTOR), (SH_ADMIN, HUB), (MACIE_ADMIN, MACIE)):
        for r in shared.of_type(admin_type):
            region = where(shared, r)[1]
            deps = {(by_urn[d].type, where(shared, by_urn[d])) for d in r.dependencies if by_urn[d].custom}
            assert (own_type, (SECURITY, region)) in deps, (admin_type, region)


def test_a_new_workload_account_is_enrolled_everywhere_by_config_alone(org):
    shared, prod = org["shared"], org["prod"]
    for token in (SH_MEMBER, MACIE_MEMBER):
        enrolled = {(where(shared, r), r.inputs["accountId"]) for r in shared.of_type(token)}
        for region in BOTH:
            for account in (SERVICES, DEV, PROD, NEW_ACCOUNT):
                assert ((SECURITY, region), account) in enrolled, (token, account, region)
        assert not {a for _, a in enrolled} & {SECURITY, MANAGEMENT}
    assert {r.inputs["invite"] for r in shared.of_type(SH_MEMBER)} == {False}
    assert {r.inputs["email"] for r in shared.of_type(MACIE_MEMBER) if r.inputs["accountId"] == NEW_ACCOUNT} == \
        {"aws+555555555555@example.com"}
    # Its own baseline comes from prod's additionalWorkloads: keys and network in both regions, no detectors of its own.
    keys = {where(prod, k) for k in prod.of_type("aws:kms/key:Key")}
    assert {(NEW_ACCOUNT, r) for r in BOTH} <= keys
    assert not {a for a, _ in (where(prod, r) for t in (DETECTOR, HUB, MACIE, TRAIL) for r in prod.of_type(t))}


def archive_policies(shared) -> tuple[dict, dict]:
    bucket = next(json.loads(r.inputs["policy"]) for r in shared.of_type("aws:s3/bucketPolicy:BucketPolicy")
                  if '"OrganizationTrailWrite"' in r.inputs["policy"])
    key = next(json.loads(r.inputs["policy"]) for r in shared.of_type("aws:kms/key:Key") if "log-archive" in r.name)
    return bucket, key


def test_archive_admits_the_organization_trail_in_the_documented_form(org):
    bucket, key = archive_policies(org["shared"])
    st = next(s for s in bucket["Statement"] if s["Sid"] == "OrganizationTrailWrite")
    assert st["Principal"] == {"Service": "cloudtrail.amazonaws.com"} and st["Action"] == "s3:PutObject"
    assert sorted(r.rsplit("/AWSLogs/", 1)[1] for r in st["Resource"]) == ["999999999999/*", "o-a1b2c3d4e5/*"]
    assert st["Condition"] == {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": ORG_TRAIL_ARN}}
    acl = next(s for s in bucket["Statement"] if s["Sid"] == "CloudTrailAclCheck")
    assert ORG_TRAIL_ARN in acl["Condition"]["ArnLike"]["aws:SourceArn"]
    encrypt = next(s for s in key["Statement"] if s["Sid"] == "CloudTrailEncrypt")
    assert "arn:aws:cloudtrail:*:999999999999:trail/*" in encrypt["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"]
    assert ORG_TRAIL_ARN in encrypt["Condition"]["ArnLike"]["aws:SourceArn"]


def test_archive_admits_the_new_account_for_config_and_its_trail_logs(org):
    bucket, _ = archive_policies(org["shared"])
    write = next(s for s in bucket["Statement"] if s["Sid"] == "AwsConfigWrite")
    assert any(r.endswith(f"/config/AWSLogs/{NEW_ACCOUNT}/Config/*") for r in write["Resource"])
    assert NEW_ACCOUNT in write["Condition"]["StringEquals"]["aws:SourceAccount"]
    # Its CloudTrail events arrive through the organization trail, under AWSLogs/<organization id>/<account>/.
    org_write = next(s for s in bucket["Statement"] if s["Sid"] == "OrganizationTrailWrite")
    assert any(r.endswith("/AWSLogs/o-a1b2c3d4e5/*") for r in org_write["Resource"])


def test_organization_trail(org):
    shared = org["shared"]
    (trail,) = shared.of_type(TRAIL)
    i = trail.inputs
    assert i["name"] == "acme-organization-trail"
    assert (i["isOrganizationTrail"], i["isMultiRegionTrail"], i["enableLogFileValidation"], i["includeGlobalServiceEvents"]) == \
        (True, True, True, True)
    assert i["cloudWatchLogsGroupArn"].endswith(":*") and i["cloudWatchLogsRoleArn"]
    assert trail.protect and trail.retain_on_delete
    policy_urns = {r.urn for r in shared.of_type("aws:s3/bucketPolicy:BucketPolicy") if "OrganizationTrailWrite" in r.inputs["policy"]}
    assert policy_urns & set(trail.dependencies), "the trail is created before the archive admits it"
    (group,) = [g for g in shared.of_type("aws:cloudwatch/logGroup:LogGroup") if where(shared, g)[0] == MANAGEMENT]
    assert group.inputs["kmsKeyId"] and group.inputs["retentionInDays"] == 365


def test_scps_attached_to_every_listed_ou_and_never_the_management_account(org):
    shared = org["shared"]
    policies = {r.urn: r for r in shared.of_type(SCP)}
    assert {where(shared, p)[0] for p in policies.values()} == {MANAGEMENT}
    assert {p.inputs["type"] for p in policies.values()} == {"SERVICE_CONTROL_POLICY"}
    by_id = {p.id: p for p in policies.values()}
    attached: dict[str, set[str]] = {}
    for a in shared.of_type(ATTACHMENT):
        assert a.inputs["targetId"].startswith("ou-"), "only OUs are targets (never the management account)"
        attached.setdefault(a.inputs["targetId"], set()).add(by_id[a.inputs["policyId"]].inputs["name"])
    every = {p.inputs["name"] for p in policies.values()}
    assert attached == {"ou-ab12-security1": every, "ou-ab12-workload1": every}
    assert len(every) <= 4, "AWS allows 5 SCPs per OU and FullAWSAccess takes one"


def test_new_account_is_covered_by_every_scp(org):
    """The OU that holds the new account (config) has every platform SCP attached."""
    from tests.organization_variant import OUS
    shared = org["shared"]
    (ou,) = [o for o in OUS if NEW_ACCOUNT in o["accounts"]]
    names = {r.id: r.inputs["name"] for r in shared.of_type(SCP)}
    covering = {names[a.inputs["policyId"]] for a in shared.of_type(ATTACHMENT) if a.inputs["targetId"] == ou["id"]}
    assert covering == {"acme-platform-organization", "acme-platform-regions", "acme-platform-data", "acme-platform-sagemaker"}


def test_scp_contents_deny_only_fit_and_lint_clean(org):
    for p in org["shared"].of_type(SCP):
        content = p.inputs["content"]
        assert len(content) <= 5120, p.name
        doc = json.loads(content)
        assert {s["Effect"] for s in doc["Statement"]} == {"Deny"}
        assert lint(doc) == [], p.name
    regions = json.loads(next(p.inputs["content"] for p in org["shared"].of_type(SCP) if p.inputs["name"].endswith("-regions")))
    assert regions["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == ["us-east-1", "us-west-2"]


def test_management_provider_assumes_its_own_role(org):
    shared = org["shared"]
    providers = [r for r in shared.resources if r.type == "pulumi:providers:aws" and decoded(r.inputs["allowedAccountIds"]) == [MANAGEMENT]]
    assert {p.inputs["region"] for p in providers} == set(BOTH)
    for p in providers:
        roles = decoded(p.inputs["assumeRoles"])
        assert [r["roleArn"] for r in roles] == ["arn:aws:iam::999999999999:role/OrganizationPlatformDeployer"]


def test_every_iam_document_in_organization_mode_lints_clean(org):
    from tests.conftest import policy_docs
    from tests.iam_lint import kind_of
    for snap in org.values():
        for r in snap.resources:
            for name, doc in policy_docs(r):
                assert lint(doc, kind_of(name, doc, r.type)) == [], (snap.stack, r.name, name)


def test_policy_packs_pass_organization_mode_and_catch_scp_and_trail_mistakes(org, org_project):
    from platformctl.offline.records import Snapshot
    from platformctl.policy_host.gate import HOUSE_RULES, policy_gate

    project = org_project
    # A copy of this project: judged with its house rules, as `platformctl check` judges the repository itself.
    for name in ("dev", "prod"):
        with policy_gate(name, project, config_files=(HOUSE_RULES,)) as judge:
            assert [v.policy_id for v in judge(org[name]) if v.enforcement == "mandatory"] == [], name
    # shared is judged once, with two mistakes made in a copy: the mandatory findings are exactly those two, so
    # the stack as synthesized has none (a breakage only adds findings).
    broken = Snapshot.from_json(json.loads(json.dumps(org["shared"].to_json())))
    (trail,) = broken.of_type(TRAIL)
    trail.inputs["enableLogFileValidation"] = False
    scp = next(p for p in broken.of_type(SCP) if p.inputs["name"].endswith("-data"))
    doc = json.loads(scp.inputs["content"])
    doc["Statement"].append({"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"})
    scp.inputs["content"] = json.dumps(doc)
    trail_rule = "aws-data-protection/aws-cloudtrail-trail-organization-require-hardening"
    scp_rule = "aws-operations/aws-organizations-scp-deny-allow-statement"
    with policy_gate("shared", project, config_files=(HOUSE_RULES,)) as judge:
        mandatory = sorted((v.policy_id, v.urn, v.message) for v in judge(broken) if v.enforcement == "mandatory")
    assert [(rule, urn) for rule, urn, _ in mandatory] == sorted([(trail_rule, trail.urn), (scp_rule, scp.urn)])
    # ... and for the planted reasons, not for another the stack might have had on those resources.
    messages = {rule: message for rule, _, message in mandatory}
    assert "organization trail: enableLogFileValidation is not true." in messages[trail_rule]
    assert "statement 'AllowAll' has Effect Allow." in messages[scp_rule]
