"""CDKTF app for the Solobase, Luneo, ReplayDash, Freeside and Link infrastructures."""

from infra import provider_import

# Before any construct module imports a provider binding (see provider_import).
provider_import.install()
