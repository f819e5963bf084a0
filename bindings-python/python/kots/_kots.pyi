import os
from typing import Any, Callable, Literal

__version__: str

class KotsError(Exception): ...
class ManifestError(KotsError):
    document: int
    line: int
class LicenseError(KotsError): ...
class GateError(KotsError): ...
class KindsError(KotsError):
    kind: str
    name: str
    path: str
    context: str | None
class TemplateError(KotsError): ...
class ConfigError(KotsError): ...
class RenderError(KotsError): ...
class ImageError(KotsError): ...
class PlanError(KotsError):
    set: str
    document: int
class RegistryError(KotsError):
    kind: str
    registry: str | None
    repository: str | None
    status: int | None

def parse_manifests(text: str) -> list[dict[str, Any]]: ...
def split_documents(text: str) -> list[str]: ...

def gate(application_yaml: str, kots_version: str, operation: Literal["install", "update"]) -> dict[str, Any]: ...
def compare_kots_versions(a: str, b: str) -> int: ...
def normalize_kots_version(version: str) -> str: ...

def parse_application(yaml: str) -> dict[str, Any]: ...
def parse_config(yaml: str) -> dict[str, Any]: ...
def parse_config_values(yaml: str) -> dict[str, Any]: ...
def parse_helm_chart(yaml: str) -> dict[str, Any]: ...
def parse_installation(yaml: str) -> dict[str, Any]: ...
def parse_airgap(yaml: str) -> dict[str, Any]: ...
def kots_kind(api_version: str, kind: str) -> str | None: ...
def is_kots_kind(api_version: str, kind: str) -> bool: ...

def plan_release(
    previous: str | list[dict[str, Any]],
    new: str | list[dict[str, Any]],
    *,
    failed_attempts: list[str | list[dict[str, Any]]] | None = None,
    live: str | list[dict[str, Any]] | None = None,
    policy: dict[str, Any] | None = None,
    previous_files: dict[str, str | bytes] | None = None,
    new_files: dict[str, str | bytes] | None = None,
) -> dict[str, Any]: ...
def plan_release_text(
    previous: str | list[dict[str, Any]],
    new: str | list[dict[str, Any]],
    *,
    failed_attempts: list[str | list[dict[str, Any]]] | None = None,
    live: str | list[dict[str, Any]] | None = None,
    policy: dict[str, Any] | None = None,
    previous_files: dict[str, str | bytes] | None = None,
    new_files: dict[str, str | bytes] | None = None,
) -> str: ...
def kots_diff_summary(previous_files: dict[str, str | bytes], new_files: dict[str, str | bytes]) -> dict[str, int]: ...
def plan_schema() -> dict[str, Any]: ...

class CancelToken:
    def __init__(self) -> None: ...
    def cancel(self) -> None: ...
    @property
    def cancelled(self) -> bool: ...

class Registry:
    def __init__(
        self,
        *,
        auth: dict[str, tuple[str, str] | dict[str, str]] | None = None,
        docker_config: str | os.PathLike[str] | bool | None = None,
        ca_file: str | os.PathLike[str] | None = None,
        plain_http: bool = False,
        concurrency: int = 4,
        retries: int = 3,
    ) -> None: ...
    def digest(self, reference: str, *, cancel: CancelToken | None = None) -> str: ...
    def exists(self, reference: str, *, cancel: CancelToken | None = None) -> bool: ...
    def probe_private(self, reference: str, *, cancel: CancelToken | None = None) -> dict[str, Any]: ...
    def list_tags(self, repository: str, *, cancel: CancelToken | None = None) -> list[str]: ...
    def copy(
        self,
        src: str,
        dst: str,
        *,
        all_platforms: bool = False,
        platform: str | None = None,
        progress: Callable[[dict[str, Any]], object] | None = None,
        cancel: CancelToken | None = None,
    ) -> dict[str, Any]: ...
    def push_layout(
        self,
        directory: str | os.PathLike[str],
        repository: str,
        *,
        progress: Callable[[dict[str, Any]], object] | None = None,
        cancel: CancelToken | None = None,
    ) -> list[dict[str, Any]]: ...
    def export_layout(
        self,
        reference: str,
        directory: str | os.PathLike[str],
        *,
        all_platforms: bool = True,
        progress: Callable[[dict[str, Any]], object] | None = None,
        cancel: CancelToken | None = None,
    ) -> dict[str, Any]: ...

def render_release(
    release_files: str | dict[str, str | bytes],
    license: str,
    config_values: str | None = None,
    *,
    license_key: str | None = None,
    **options: Any,
) -> dict[str, Any]: ...
