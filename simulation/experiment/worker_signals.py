"""Preloaded into the worker processes of the local Dask cluster that ``--executor
dask`` starts (``executors.local_cluster``): they ignore Ctrl-C.

Ctrl-C in a terminal reaches every process of its group: each worker process printed a
KeyboardInterrupt traceback (~30 lines each, under the sweep's own "interrupted"
message), though the sweep process stops the cluster itself, keeping the finished runs.
Workers of a cluster started apart (``--scheduler``) are not touched."""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
