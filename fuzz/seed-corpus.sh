#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seeds from the repository's fixtures: every Markdown file of
# content/ and tests/sites/ (valid, invalid and hostile instances) and the regression inputs kept
# in fuzz/regressions/. Seeds are named by content hash, so running this twice changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in frontmatter markdown; do
  mkdir -p "fuzz/corpus/$target"
  find content tests/sites fuzz/regressions -type f \( -name '*.md' -o -path '*regressions*' \) -print0 2>/dev/null |
    while IFS= read -r -d '' file; do
      cp "$file" "fuzz/corpus/$target/$(sha1sum "$file" | cut -c1-40)"
    done
done
echo "seeds: $(ls fuzz/corpus/frontmatter | wc -l) per target"
