"""Preloaded into the worker processes of the local Dask cluster that ``--executor
dask`` starts (``executors.local_cluster``): they ignore Ctrl-C, and do not log the
heartbeat that finds the sweep's scheduler gone.

Ctrl-C in a terminal reaches every process of its group: each worker process printed a
KeyboardInterrupt traceback (~30 lines each, under the sweep's own "interrupted"
message), though the sweep process stops the cluster itself, keeping the finished runs.

The scheduler of a local cluster lives in the sweep's own process. A worker whose
heartbeat fell between the scheduler's stop and its own logged "Failed to communicate
with scheduler during heartbeat" with a ~40-line traceback, under the same message
(now and then, by the timing of its heartbeat). In practice a local worker's
scheduler is unreachable only when the sweep is ending, and the sweep says why itself
(a run that fails is recorded by the sweep, not by this log), so that record is dropped
here; every other record of the workers' logs is kept. Workers of a
cluster started apart (``--scheduler``) are not touched."""

import logging
import signal

HEARTBEAT_LOST = "Failed to communicate with scheduler during heartbeat"


def keep(record: logging.LogRecord) -> bool:
    """False for the worker's record of a heartbeat that did not reach the scheduler."""
    return not str(record.msg).startswith(HEARTBEAT_LOST)


signal.signal(signal.SIGINT, signal.SIG_IGN)
logging.getLogger("distributed.worker").addFilter(keep)
