from platformctl.cli import main
from platformctl.gc_tuning import tune_gc

tune_gc()  # a command's process holds a stack's records until it exits (see gc_tuning)
raise SystemExit(main())
