"""Session 12's diag.py on this session's variants: `diag.py VARIANTS SETS [LABEL]`."""
import os
import sys
from pathlib import Path

# before NumPy loads: one BLAS thread (two thrash when another process runs)
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "session12"))
import variants19  # noqa: E402
import diag as session12  # noqa: E402

session12.variants = variants19

if __name__ == "__main__":
    label = sys.argv[3] if len(sys.argv) > 3 else "label_included"
    session12.main(sys.argv[1].split(","), sys.argv[2].split(","), label=label)
