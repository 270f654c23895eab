#!/usr/bin/env bash
# Mutation testing, by hand and never in CI: mutmut over the modules of [tool.mutmut] in
# pyproject.toml, against the quick tests named there, with one worker so that it leaves the
# other core alone. It runs in a copy of the tree (mutmut writes a mutants/ folder beside the
# code) and ends by listing the mutants that no test killed.
#
#   scripts/mutation.sh                                   # every configured module (hours)
#   scripts/mutation.sh optimizer.readiness optimizer.lp.model   # the mutants of these modules
#   WORK=/tmp/mutation scripts/mutation.sh ...            # keep the copy there: then
#       (cd /tmp/mutation && /path/to/.venv/bin/mutmut show NAME) shows one mutant's diff
#   TESTS="tests/test_evaluate.py tests/test_integer_evaluate.py" scripts/mutation.sh optimizer.evaluation
#                                                         # only these tests, in the copy's pyproject
#   SKIP="xlsx or sweep_values" scripts/mutation.sh ...   # and deselect these (a pytest -k expression)
#   scripts/mutation.sh 'optimizer.lp.model.x_define_readiness*'   # one function's mutants (a glob)
#
# Hypothesis runs under the "mutation" profile (tests/conftest.py: no shrinking, since the first
# failing draw kills a mutant).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.venv/bin"
"$bin/python" -c "import mutmut" 2>/dev/null || "$bin/pip" install -q -e "$root[test,mutation]"
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work")
cd "$work"
"$bin/python" - "${TESTS:-}" "${SKIP:-}" <<'PY'
import re, sys
tests, skip = sys.argv[1].split(), sys.argv[2]
text = open("pyproject.toml").read()
if tests:
    listed = ", ".join(f'"{path}"' for path in tests)
    text = re.sub(r"pytest_add_cli_args_test_selection = \[[^]]*\]", f"pytest_add_cli_args_test_selection = [{listed}]", text)
if skip:
    text = text.replace('"not cbc"', f'"not cbc and not ({skip})"')
open("pyproject.toml", "w").write(text)
PY
patterns=()
for module in "$@"; do [[ "$module" == *"*"* ]] && patterns+=("$module") || patterns+=("$module.*"); done
HYPOTHESIS_PROFILE=mutation "$bin/mutmut" run --max-children 1 "${patterns[@]}"
"$bin/mutmut" results | grep -v ": not checked" || true
echo "survivors: $("$bin/mutmut" results | grep -c ': survived' || true)  (copy in $work)"
