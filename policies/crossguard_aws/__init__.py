"""Shared library behind the CrossGuard policy packs in ``policies/``.

Every pack directory (``policies/<pack>/__main__.py``) puts ``policies/`` on ``sys.path`` and imports this
package; the rules themselves live in ``crossguard_aws.rules`` grouped by AWS service, and each rule says
which pack it belongs to.
"""
