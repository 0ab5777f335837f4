"""Studio users read the curated zone's catalog through Lake Formation grants, not broad S3 access."""

from __future__ import annotations

import json


def studio_role(snap):
    (role,) = [r for r in snap.of_type("aws:iam/role:Role") if r.name.endswith("-studio")]
    return role


def test_studio_role_is_granted_curated_tables_through_lake_formation(workload):
    role_arn = studio_role(workload).outputs["arn"]
    grants = [g for g in workload.of_type("aws:lakeformation/permissions:Permissions") if g.inputs["principal"] == role_arn]
    (db_grant,) = [g for g in grants if "database" in g.inputs]
    (table_grant,) = [g for g in grants if "table" in g.inputs]
    curated_db = [d for d in workload.of_type("aws:glue/catalogDatabase:CatalogDatabase") if "curated" in d.name]
    assert db_grant.inputs["database"]["name"] == table_grant.inputs["table"]["databaseName"] == curated_db[0].inputs["name"]
    assert table_grant.inputs["table"]["wildcard"] is True
    assert "SELECT" in table_grant.inputs["permissions"] and "ALTER" not in table_grant.inputs["permissions"]


def test_studio_role_reads_only_the_curated_catalog(workload):
    role = studio_role(workload)
    policies = [p for p in workload.of_type("aws:iam/rolePolicy:RolePolicy") if role.urn in p.property_dependencies.get("role", [])]
    statements = [st for p in policies for st in json.loads(p.inputs["policy"])["Statement"]]
    (catalog,) = [st for st in statements if st.get("Sid") == "ReadCuratedCatalog"]
    assert all(a.startswith("glue:Get") for a in catalog["Action"])
    assert any(r.endswith(":catalog") for r in catalog["Resource"])
    assert all("curated" in r for r in catalog["Resource"] if not r.endswith(":catalog"))
