"""kots: ship Kubernetes apps off the shelf.

KOTS licenses, version gating, release rendering, image rewriting and upgrade plans, from a Rust core.
"""

from ._kots import (
    __version__,
    KotsError,
    ManifestError,
    LicenseError,
    GateError,
    KindsError,
    TemplateError,
    ConfigError,
    RenderError,
    ImageError,
    PlanError,
    RegistryError,
    parse_manifests,
    split_documents,
    plan_release,
    plan_release_text,
    kots_diff_summary,
    plan_schema,
)

__all__ = [
    "__version__",
    "KotsError",
    "ManifestError",
    "LicenseError",
    "GateError",
    "KindsError",
    "TemplateError",
    "ConfigError",
    "RenderError",
    "ImageError",
    "PlanError",
    "RegistryError",
    "parse_manifests",
    "split_documents",
    "plan_release",
    "plan_release_text",
    "kots_diff_summary",
    "plan_schema",
]
