#!/bin/sh
# Publishes the built site (public/, or the folder given) as the `pages` branch of this
# repository, which Codeberg Pages serves at https://<owner>.codeberg.page/<repository>/. The
# branch holds one commit, replaced at each publication: the repository does not grow with it.
# A `.domains` file at the root of the wiki (custom domains of Codeberg Pages) is published too.
#
# Used by .woodpecker.yml and .forgejo/workflows/mallette.yml. Needs PAGES_TOKEN, an access token
# allowed to push to the repository; the forge and the repository are read from the CI's
# variables (Woodpecker's CI_FORGE_URL and CI_REPO, Forgejo Actions' GITHUB_SERVER_URL and
# GITHUB_REPOSITORY), or from FORGE_URL and REPOSITORY. PAGES_REMOTE (any Git address) replaces
# them all; PAGES_BRANCH replaces `pages`.
set -eu

site="${1:-public}"
branch="${PAGES_BRANCH:-pages}"

say() { printf 'publish-pages: %s\n' "$*" >&2; }

if [ ! -f "$site/index.html" ]; then
  say "$site/index.html is missing: build the site first (mallette build)"
  exit 1
fi
if [ -z "${PAGES_REMOTE:-}" ]; then
  forge="${FORGE_URL:-${CI_FORGE_URL:-${GITHUB_SERVER_URL:-}}}"
  repository="${REPOSITORY:-${CI_REPO:-${GITHUB_REPOSITORY:-}}}"
  if [ -z "$forge" ] || [ -z "$repository" ]; then
    say "the forge or the repository is unknown: set FORGE_URL and REPOSITORY"
    exit 1
  fi
  if [ -z "${PAGES_TOKEN:-}" ]; then
    say "PAGES_TOKEN is empty: add an access token with write access to the repository as a"
    say "secret of the CI (see the deployment guide of mallette)"
    exit 1
  fi
  PAGES_REMOTE="${forge%/}/$repository.git"
  # The token goes in a header given through the environment: never in an address or argument.
  GIT_CONFIG_COUNT=1
  GIT_CONFIG_KEY_0=http.extraHeader
  GIT_CONFIG_VALUE_0="Authorization: Basic $(printf 'mallette:%s' "$PAGES_TOKEN" | base64 | tr -d '\n')"
  export GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$site/." "$work/"
if [ -f .domains ]; then
  cp .domains "$work/.domains"
fi
source_commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
cd "$work"
git init -q
git checkout -q -b "$branch"
git add -A
git -c user.name=mallette -c user.email=mallette@localhost commit -q \
  -m "Site built by mallette from $source_commit"
git push -q --force "$PAGES_REMOTE" "HEAD:refs/heads/$branch"
say "published $site to the $branch branch"
