"""The connection under the knowledge store (knowledge/store.py `MilvusStore`, which inherits it): Milvus
Lite in this process, Milvus Lite in a child process of its own (knowledge/milvus_child.py), or a Milvus
server elsewhere (an endpoint: `SUPPORTBOT_MILVUS_URI=http://...`, `supportbot vectors serve`, a running
`serve`'s child, knowledge/milvus_endpoint.py); its readiness, probes and restarts.

Opening a connection loads (or creates, or upgrades) the collections: `_ensure_collection`, which the
store defines. Synchronous (pymilvus is); call it from a thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.errors import ConfigError, StoreBusyError, StoreUnavailableError
from knowledge import lite_patches
from knowledge.milvus_endpoint import Owner, advertised

if TYPE_CHECKING:
    from knowledge.milvus_child import MilvusChild

logger = logging.getLogger("knowledge.store")  # the name these lines were always logged under

_ENDPOINT_TIMEOUT = 5.0  # seconds a Milvus endpoint has to connect or answer a probe
# pymilvus pings every 10 s even with no call open; Milvus Lite's gRPC server (gRPC's defaults: such pings
# not permitted) answers an idle connection's pings with GOAWAY "too_many_pings", which gRPC logged to
# stderr after ~2 idle minutes. Pings only while a call is open: a dead connection still shows on the next call.
GRPC_OPTIONS = {"grpc.keepalive_permit_without_calls": False}


def _is_local(uri: str) -> bool:
    return not uri.startswith(("http://", "https://", "tcp://"))


def shown(uri: str) -> str:
    """The endpoint without credentials a URL may carry (user:password@host)."""
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


class _QuietWhileDown(logging.Filter):
    """pymilvus logs each failed call with its traceback (`pymilvus.decorators` "RPC error", `connection_manager`
    "Connection recovery failed"): with an endpoint down, the probe's one call a second wrote about 150 lines a
    second. Our own line says the outage once (`probe`) and once more when it ends; while an endpoint is known
    down, pymilvus's repeats of it are dropped (at DEBUG they are kept)."""

    LOGGERS = ("pymilvus.decorators", "pymilvus.client.connection_manager")

    def __init__(self) -> None:
        super().__init__()
        self.down: set[int] = set()  # id() of the connections whose endpoint is known down

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.down or logging.getLogger().getEffectiveLevel() <= logging.DEBUG

    def install(self) -> None:
        for name in self.LOGGERS:
            library = logging.getLogger(name)
            if self not in library.filters:
                library.addFilter(self)


_QUIET = _QuietWhileDown()


class MilvusConnection:
    def __init__(self, *, uri: str, dim: int = 384) -> None:
        self.uri = uri
        self.dim = dim
        self._client: Any = None
        self._child: MilvusChild | None = None
        self._reconnecting = False
        # a Milvus server this process does not own (SUPPORTBOT_MILVUS_URI=http://..., `supportbot vectors
        # serve`, a running `serve`'s child): its reachability is probed (`probe`) and /readyz follows it
        self._endpoint: str | None = None if _is_local(uri) else uri
        self._up = True
        # a local store held by another process: use the server it advertises (knowledge/milvus_endpoint.py),
        # if that server's owner is one of these
        self.join_owners: tuple[Owner, ...] = (Owner.STANDALONE, Owner.SERVE)

    @property
    def _reachable(self) -> bool:
        return self._up

    @_reachable.setter
    def _reachable(self, up: bool) -> None:
        self._up = up
        _QUIET.install()
        (_QUIET.down.discard if up else _QUIET.down.add)(id(self))

    def use_endpoint(self, uri: str) -> None:
        """Talk to a Milvus server at `uri` that another process runs (a standalone Milvus Lite server)."""
        self._endpoint = uri

    def use_child(self, child: MilvusChild) -> None:
        """Open the store through Milvus Lite running in `child` (a process of its own), not in ours."""
        self._child = child

    # lifecycle -----------------------------------------------------------------------------
    def open(self) -> None:
        if self._client is not None:
            return
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException

        # pymilvus gives its loggers handlers of their own at import (plain text, straight to stderr):
        # hand their records to ours, so that they are formatted like every other line (JSON lines too)
        for name in ("pymilvus", "pymilvus.milvus_client", "pymilvus.bulk_writer"):
            library = logging.getLogger(name)
            library.handlers.clear()
            library.propagate = True
        if self._child is not None:
            self._child.wait_ready()
            self._client = MilvusClient(self._child.uri, grpc_options=GRPC_OPTIONS)
            self._ensure_collection()
            return
        local = self._endpoint is None
        if local and self.join_owners:
            found = advertised(Path(self.uri), owners=self.join_owners)
            if found is not None:
                logger.info("the knowledge store is served by process %d; using it at %s", found.pid, found.uri)
                self._endpoint = found.uri
                local = False
        if not local:
            self._open_endpoint()
            return
        # Milvus Lite's in-process gRPC server logs a traceback for each call it doesn't implement
        # (AllocTimestamp), though pymilvus falls back correctly: keep that noise out of our logs.
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
        # a store held by another process is reported below in plain words, not as its logged traceback
        logging.getLogger("milvus_lite.server_manager").setLevel(logging.CRITICAL)
        if local:
            Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
            lite_patches.install()  # Milvus Lite runs in this process
        try:
            self._client = MilvusClient(self.uri, grpc_options=GRPC_OPTIONS)
        except MilvusException as exc:
            if local and "open local milvus failed" in str(exc).lower():
                raise StoreBusyError(
                    f"the knowledge store {self.uri} is in use by another process (`supportbot serve`, or another "
                    "supportbot command still running). Milvus Lite allows one process at a time: wait for that "
                    "command, or stop the server; to share the store, run `supportbot vectors serve` on this data "
                    "dir first (every command then uses it), or send an ingest to the server (POST /api/v1/admin/ingest)."
                ) from None
            raise ConfigError(f"cannot open Milvus at {self.uri}: {exc}") from None
        self._ensure_collection()

    def _open_endpoint(self) -> None:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException

        assert self._endpoint is not None
        try:
            self._client = MilvusClient(self._endpoint, timeout=_ENDPOINT_TIMEOUT, grpc_options=GRPC_OPTIONS)
            self._ensure_collection()
        except MilvusException as exc:
            self._client = None
            self._reachable = False
            raise StoreUnavailableError(f"the Milvus endpoint {shown(self._endpoint)} cannot be reached: {exc.message}") from None
        self._reachable = True

    @property
    def endpoint(self) -> str | None:
        """The server this store talks to over the network; None for a store in this process or its child."""
        return self._endpoint

    # the store's own process (under `serve`): readiness and restarts, see bot.app.operations.watch_store
    def healthy(self) -> bool:
        """False while the Milvus Lite child process is dead or being brought back, or while the
        endpoint does not answer."""
        if self._endpoint is not None:
            return self._reachable
        return self._child is None or (self._child.alive() and not self._reconnecting)

    def probe(self) -> bool:
        """Blocking: does the endpoint answer? When it answers again after an outage, its collections are
        loaded again (a restarted server has them on disk, not in memory)."""
        if self._endpoint is None or self._client is None:
            return self.healthy()
        from pymilvus.exceptions import MilvusException

        try:
            self._client.list_collections(timeout=_ENDPOINT_TIMEOUT)
            if not self._reachable:
                self._ensure_collection()
                logger.warning("the Milvus endpoint %s answers again", shown(self._endpoint))
        except MilvusException as exc:
            if self._reachable:
                logger.error("the Milvus endpoint %s does not answer: %s", shown(self._endpoint), exc.message)
            self._reachable = False
            return False
        self._reachable = True
        return True

    def needs_restart(self) -> bool:
        """The child died, or a restart has not reconnected yet (a failed `reconnect` is tried again)."""
        return self._child is not None and self._client is not None and (self._reconnecting or not self._child.alive())

    def restart(self) -> None:
        """Start the dead child again (a live one is kept); from the main thread (see MilvusChild.respawn).
        Then `reconnect`."""
        assert self._child is not None
        self._reconnecting = True
        self._child.respawn()

    def reconnect(self) -> None:
        """Blocking: wait for the restarted child, then talk to it over a fresh connection (the old
        channel may sit in gRPC's reconnect backoff for a long while)."""
        from pymilvus import MilvusClient

        assert self._child is not None
        self._child.wait_ready()
        old, self._client = self._client, MilvusClient(self._child.uri, dedicated=True, grpc_options=GRPC_OPTIONS)
        self._ensure_collection()  # a new Milvus Lite process has the collections on disk, not loaded
        self._reconnecting = False
        try:
            old.close()
        except Exception:  # the old channel's server is gone: nothing to close cleanly
            logger.debug("closing the old Milvus connection failed", exc_info=True)

    def close(self) -> None:
        _QUIET.down.discard(id(self))  # a closed store's outage silences nothing more
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._child is not None:
            self._child.stop()

    def _ensure_collection(self) -> None:
        """Load the collections, creating or upgrading them first when needed (the store's)."""
        raise NotImplementedError
