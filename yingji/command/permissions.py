"""Who opens 指挥一张图. The page writes nothing and has no model: which rows each panel and
layer shows is the owning module's restrict(); this rule only decides who gets the page."""

from yingji.core.permissions import Scope, rule


@rule("command.open")
def can_open(scope: Scope) -> bool:
    """The bureau's people (duty officers, leaders, sections, county bureaus): not enterprises,
    whose users see only their own records and have nothing to command."""
    return bool(scope.roles - {"enterprise_user"}) or scope.is_admin
