#!/usr/bin/env bash
# Creates Rampart's Entra ID app registration with the Azure CLI, with exactly the application permissions of the
# features you choose (F29). The permissions come from the table `rampart verify` uses:
#   defender-client/src/main/resources/dev/rampart/defender/permissions.tsv
# Guide: docs/setup-entra.md.
#
#   scripts/register-entra-app.sh [--features import,actions,hunting,identities] [--name NAME]
#       [--cloud global|gcc|gcc-high|dod] [--years N] [--secret-file PATH | --cert-file PATH | --no-secret]
#       [--admin-consent] [--dry-run | --print-permissions]
#
# --dry-run and --print-permissions never call az (they work without the Azure CLI installed).
set -euo pipefail

here="${BASH_SOURCE[0]%/*}"
[[ "$here" == "${BASH_SOURCE[0]}" ]] && here=.
table="$here/../defender-client/src/main/resources/dev/rampart/defender/permissions.tsv"
expected_header=$'data_set\tapi\tresource_app_id\tpermission\tapp_role_id\tfeature\tread_only\tprobe\tguide_anchor'

usage() {
  cat <<'EOF'
usage: scripts/register-entra-app.sh [options]

Creates an Entra ID app registration for Rampart with exactly the permissions of the chosen features.

  --features LIST       comma-separated, from the table's feature column (default: import):
                          import          devices, vulnerabilities, software, alerts, logon users (read-only)
                          identities      Entra organization, users, groups (Microsoft Graph, read-only)
                          hunting         advanced hunting through Microsoft Graph (read-only)
                          hunting-legacy  Defender's own hunting API, being retired (read-only)
                          actions         isolate, release, antivirus scan (WRITE: grant only to responders' use)
                        "all" means import,identities,hunting,actions
  --name NAME           the app's display name (default: Rampart)
  --cloud CLOUD         global (also us, eu, uk, au, swa, ina, aea), gcc, gcc-high or dod (default: global)
  --years N             lifetime of the client secret in years (default: 1)
  --secret-file PATH    write the new client secret to PATH (mode 0600) instead of printing it
  --cert-file PATH      upload this public certificate (PEM) instead of creating a secret
  --no-secret           create no credential (add a certificate later)
  --admin-consent       grant tenant-wide admin consent (needs Privileged Role Administrator)
  --dry-run             print the az commands instead of running them
  --print-permissions   print the table rows of the chosen features and exit
  -h, --help            this text
EOF
}

die() {
  printf 'register-entra-app: %s\n' "$*" >&2
  exit 2
}
log() { printf '%s\n' "$*" >&2; }

features="import"
name="Rampart"
cloud="global"
years=1
secret_file=""
cert_file=""
no_secret=0
admin_consent=0
dry_run=0
print_permissions=0

need_value() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --features) need_value "$@"; features="$2"; shift 2 ;;
    --name) need_value "$@"; name="$2"; shift 2 ;;
    --cloud) need_value "$@"; cloud="$2"; shift 2 ;;
    --years) need_value "$@"; years="$2"; shift 2 ;;
    --secret-file) need_value "$@"; secret_file="$2"; shift 2 ;;
    --cert-file) need_value "$@"; cert_file="$2"; shift 2 ;;
    --no-secret) no_secret=1; shift ;;
    --admin-consent) admin_consent=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    --print-permissions) print_permissions=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[[ "$years" =~ ^[1-9][0-9]*$ ]] || die "--years is a whole number of years, got: $years"
(( no_secret + (${#cert_file} > 0) + (${#secret_file} > 0) <= 1 )) \
  || die "give at most one of --secret-file, --cert-file and --no-secret"

# Entra (and the Azure CLI's cloud) per Rampart cloud; GCC signs in through the commercial cloud.
case "$cloud" in
  global | us | eu | uk | au | swa | ina | aea) az_cloud=AzureCloud; gov=0 ;;
  gcc) az_cloud=AzureCloud; gov=0 ;;
  gcc-high | dod) az_cloud=AzureUSGovernment; gov=1 ;;
  *) die "unknown cloud: $cloud (global, us, eu, uk, au, swa, ina, aea, gcc, gcc-high or dod)" ;;
esac

# ---------------------------------------------------------------------------------------------- the table
[[ -r "$table" ]] || die "cannot read the permission table $table"
header=""
all_features=" "
rows=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line="${line%$'\r'}"
  [[ -z "${line//[[:space:]]/}" || "$line" == \#* ]] && continue
  if [[ -z "$header" ]]; then
    header="$line"
    [[ "$header" == "$expected_header" ]] || die "$table: unexpected header (the script and the table are out of step)"
    continue
  fi
  IFS=$'\t' read -r _ _ _ _ _ feature _ _ _ <<<"$line"
  [[ "$all_features" == *" $feature "* ]] || all_features+="$feature "
  rows+=("$line")
done <"$table"
[[ ${#rows[@]} -gt 0 ]] || die "$table lists no permission"

[[ "$features" == all ]] && features="import,identities,hunting,actions"
chosen=" "
IFS=',' read -r -a wanted <<<"$features"
for f in "${wanted[@]}"; do
  f="${f//[[:space:]]/}"
  [[ -z "$f" ]] && continue
  [[ "$all_features" == *" $f "* ]] || die "unknown feature: $f (one of:${all_features% })"
  chosen+="$f "
done
[[ "$chosen" != " " ]] || die "--features names no feature"
chosen_list="${chosen# }"
chosen_list="${chosen_list% }"
chosen_list="${chosen_list// /,}"

selected=()
for line in "${rows[@]}"; do
  IFS=$'\t' read -r _ _ _ _ _ feature _ _ _ <<<"$line"
  [[ "$chosen" == *" $feature "* ]] && selected+=("$line")
done

if (( print_permissions )); then
  printf '%s\n' "$header"
  printf '%s\n' "${selected[@]}"
  exit 0
fi

# One `az ad app permission add` per distinct (API, permission), in the table's order.
perm_api=() perm_resource=() perm_name=() perm_role_id=() perm_features=()
seen=" "
for line in "${selected[@]}"; do
  IFS=$'\t' read -r _ api resource perm role_id feature _ _ _ <<<"$line"
  key="$resource/$perm"
  [[ "$seen" == *" $key "* ]] && continue
  seen+="$key "
  perm_api+=("$api") perm_resource+=("$resource") perm_name+=("$perm") perm_role_id+=("$role_id")
  perm_features+=("$feature")
done

# A role id from the table is the global cloud's; look it up by name where the table has none, and always in the
# US Government clouds (whose Graph app role ids can differ from the global cloud's).
needs_lookup() { [[ "$1" == unconfirmed || $gov -eq 1 ]]; }
lookup_query() { printf "appRoles[?value=='%s'].id | [0]" "$1"; }

# The secret's end date (GNU date, then BSD date); the CLI's --years where neither works.
end_date="$(date -u -d "+$years years" +%Y-%m-%d 2>/dev/null || date -u -v+"${years}"y +%Y-%m-%d 2>/dev/null || true)"
if [[ -n "$end_date" ]]; then
  lifetime=(--end-date "$end_date")
else
  lifetime=(--years "$years")
fi

# ---------------------------------------------------------------------------------------------- dry run
if (( dry_run )); then
  q() { printf '%q' "$1"; }
  echo "# Rampart app registration: features $chosen_list; cloud $cloud (dry run: nothing was created)"
  echo "# Permissions from $table"
  if (( gov )); then
    echo "# First: az cloud set --name AzureUSGovernment && az login --allow-no-subscriptions"
  fi
  echo "APP_ID=\$(az ad app create --display-name $(q "$name") --sign-in-audience AzureADMyOrg --query appId -o tsv)"
  for i in "${!perm_name[@]}"; do
    resource="${perm_resource[$i]}"
    if needs_lookup "${perm_role_id[$i]}"; then
      role="\$(az ad sp show --id $resource --query \"$(lookup_query "${perm_name[$i]}")\" -o tsv)"
    else
      role="${perm_role_id[$i]}"
    fi
    echo "az ad app permission add --id \"\$APP_ID\" --api $resource --api-permissions \"$role=Role\"" \
      " # ${perm_name[$i]} (${perm_api[$i]}), ${perm_features[$i]}"
  done
  echo "az ad sp create --id \"\$APP_ID\""
  if (( admin_consent )); then
    echo "az ad app permission admin-consent --id \"\$APP_ID\""
  else
    echo "# then grant admin consent (App registrations > API permissions), or: az ad app permission admin-consent --id \"\$APP_ID\""
  fi
  if [[ -n "$cert_file" ]]; then
    echo "az ad app credential reset --id \"\$APP_ID\" --cert @$(q "$cert_file") --append"
  elif (( no_secret == 0 )); then
    echo "az ad app credential reset --id \"\$APP_ID\" --display-name rampart ${lifetime[*]} --query password -o tsv" \
      " # prints the new secret once: keep it out of logs and shell history"
  fi
  exit 0
fi

# ---------------------------------------------------------------------------------------------- for real
command -v az >/dev/null 2>&1 || die "the Azure CLI (az) is not installed: https://learn.microsoft.com/cli/azure/install-azure-cli"
if [[ -n "$secret_file" && -e "$secret_file" ]]; then
  die "$secret_file exists already: give a new path (the secret is written once, mode 0600)"
fi
[[ -z "$cert_file" || -r "$cert_file" ]] || die "cannot read the certificate $cert_file"

current_cloud="$(az cloud show --query name -o tsv)"
[[ "$current_cloud" == "$az_cloud" ]] \
  || die "the Azure CLI is set to $current_cloud, $cloud needs $az_cloud: az cloud set --name $az_cloud && az login --allow-no-subscriptions"
tenant_id="$(az account show --query tenantId -o tsv 2>/dev/null)" \
  || die "sign in first: az login --allow-no-subscriptions"

# Resolve every role id before creating anything, so that a tenant without Defender fails cleanly.
role_ids=()
for i in "${!perm_name[@]}"; do
  if needs_lookup "${perm_role_id[$i]}"; then
    id="$(az ad sp show --id "${perm_resource[$i]}" --query "$(lookup_query "${perm_name[$i]}")" -o tsv 2>/dev/null || true)"
    [[ "$id" =~ ^[0-9a-fA-F-]{36}$ ]] || die "the tenant's ${perm_api[$i]} service principal (${perm_resource[$i]}) has no app role ${perm_name[$i]}; for WindowsDefenderATP this usually means Defender for Endpoint is not set up in this tenant"
    role_ids+=("$id")
  else
    role_ids+=("${perm_role_id[$i]}")
  fi
done

log "Creating the app registration '$name' in tenant $tenant_id (features: $chosen_list)"
app_id="$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --query appId -o tsv)"
for i in "${!perm_name[@]}"; do
  log "  + ${perm_name[$i]} (${perm_api[$i]}) for ${perm_features[$i]}"
  az ad app permission add --id "$app_id" --api "${perm_resource[$i]}" \
    --api-permissions "${role_ids[$i]}=Role" --only-show-errors >/dev/null
done
az ad sp create --id "$app_id" --only-show-errors >/dev/null

consented=0
if (( admin_consent )); then
  for attempt in 1 2 3 4 5; do
    if az ad app permission admin-consent --id "$app_id" --only-show-errors >/dev/null; then
      consented=1
      break
    fi
    log "  admin consent failed (attempt $attempt of 5; a new app takes a moment to replicate); retrying in 10 s"
    sleep 10
  done
  (( consented )) || log "Admin consent failed: grant it under App registrations > API permissions (see docs/setup-entra.md#grant-admin-consent)"
fi

set +x # never trace the secret
secret=""
if [[ -n "$cert_file" ]]; then
  az ad app credential reset --id "$app_id" --cert "@$cert_file" --append --only-show-errors >/dev/null
  log "Uploaded the certificate $cert_file"
elif (( no_secret == 0 )); then
  secret="$(az ad app credential reset --id "$app_id" --display-name rampart "${lifetime[@]}" \
    --query password -o tsv --only-show-errors)"
fi

echo "Tenant id:  $tenant_id"
echo "Client id:  $app_id"
echo "Cloud:      $cloud"
if [[ -n "$secret" ]]; then
  echo "Secret end: ${end_date:-in $years year(s)} (create the next one before then: docs/setup-entra.md#client-secret-or-certificate)"
  if [[ -n "$secret_file" ]]; then
    (umask 077 && set -o noclobber && printf '%s\n' "$secret" >"$secret_file")
    chmod 600 "$secret_file"
    echo "Secret:     written to $secret_file (mode 0600); give it to Rampart as file:$secret_file"
  else
    echo "Secret (shown once, store it now and do not paste it into tickets or logs):"
    printf '%s\n' "$secret"
  fi
  secret=""
fi
if [[ -n "$secret_file" ]]; then
  credential="--secret-file $secret_file"
elif [[ -n "$cert_file" ]]; then
  credential="--cert-file <your certificate with its private key>"
else
  credential="--secret-env DEFENDER_SECRET"
fi
verify="./rampart verify --tenant $tenant_id --client $app_id --cloud $cloud $credential"
if (( consented )); then
  echo "Next:       $verify"
else
  echo "Next:       grant admin consent (docs/setup-entra.md#grant-admin-consent), then: $verify"
fi
