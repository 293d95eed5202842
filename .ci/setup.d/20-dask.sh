# Sourced by .ci/run: a real Dask scheduler and two worker processes on loopback for the
# distributed tests (issue 6). dask and distributed come from requirements/lock.txt (make setup); the
# workers run from .venv/bin, so they import the editable ceasefire install.
make setup
DASK_PORT="${DASK_PORT:-8786}"
DASK_LOGS="$(mktemp -d)"
.venv/bin/dask scheduler --host 127.0.0.1 --port "$DASK_PORT" --no-dashboard >"$DASK_LOGS/scheduler.log" 2>&1 &
DASK_SCHEDULER_PID=$!
for i in 1 2; do
  .venv/bin/dask worker "tcp://127.0.0.1:$DASK_PORT" --host 127.0.0.1 --nworkers 1 --nthreads 1 \
    --no-dashboard --name "ci-worker-$i" >"$DASK_LOGS/worker-$i.log" 2>&1 &
done
# Wait until the scheduler sees both workers (at most 60 s).
for _ in $(seq 60); do
  if .venv/bin/python - "$DASK_PORT" <<'PY' 2>/dev/null; then break; fi
import sys
from distributed import Client
with Client(f"tcp://127.0.0.1:{sys.argv[1]}", timeout="2s") as client:
    sys.exit(0 if len(client.scheduler_info(n_workers=-1)["workers"]) >= 2 else 1)
PY
  sleep 1
done
if ! kill -0 "$DASK_SCHEDULER_PID" 2>/dev/null; then
  # Not ours: another scheduler may hold the port, with workers running other code.
  echo "20-dask: the scheduler did not start (port $DASK_PORT taken?); see $DASK_LOGS/scheduler.log" >&2
  cat "$DASK_LOGS/scheduler.log" >&2
  return 1
fi
export CEASEFIRE_DASK_SCHEDULER="tcp://127.0.0.1:$DASK_PORT"
echo "dask scheduler pid $DASK_SCHEDULER_PID at $CEASEFIRE_DASK_SCHEDULER, logs in $DASK_LOGS"
