"""Flask commands: worker, create-user, create-token, seed-demo, search reindex|drain, points rebuild,
export solutions, seed-bench. A command that changes the forum is a door: it writes in one unit of work."""

import functools
import logging
import sys
import time

import click
import jieba
from flask import current_app

from forum import demo, jobs
from forum.accounts import services as accounts
from forum.accounts import tokens
from forum.audit import COMMAND_LINE, started_by
from forum.communities import services as communities
from forum.errors import DomainError
from forum.exports import services as exports
from forum.exports.writers import WRITERS
from forum.notifications import digests
from forum.points import services as points
from forum.search import queue
from forum.search.rebuild import rebuild_index
from forum.transaction import unit_of_work, writes

ROLES = ("fan", "staff", "product", "admin")


def audited_as_command_line(command):
    """What the command does without an actor is logged as the command line's doing."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with started_by(COMMAND_LINE):
            return command(*args, **kwargs)

    return run


def init_app(app):
    app.cli.add_command(worker)
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(search_group)
    app.cli.add_command(points_group)
    app.cli.add_command(seed_bench)
    app.cli.add_command(create_token)
    app.cli.add_command(export_group)
    app.cli.add_command(digests_group)


@click.command("worker")
@click.option("--threads", type=click.IntRange(1, 64), help="Jobs run at once (default: JOBS_WORKERS).")
def worker(threads):
    """Run a job consumer (indexing, notifications) until Ctrl-C. Run as many as you like."""
    app = current_app._get_current_object()
    if app.extensions["jobs"].immediate:
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run where they are enqueued, no consumer needed")
    logging.getLogger("huey").setLevel(app.config["LOG_LEVEL"])  # a consumer says what it runs
    jieba.initialize()  # the dictionary indexing needs, loaded before the first job rather than in it
    jobs.consumer(app, threads or app.config["JOBS_WORKERS"]).run()


@click.command("create-token")
@click.argument("name")
@click.option("--label", default="command line", show_default=True, help="Shown on the user's settings page.")
@writes
def create_token(name, label):
    """Print a new API token for user NAME."""
    try:
        _row, plaintext = tokens.issue_token(accounts.get_user_by_name(name), label)
    except DomainError as error:
        raise click.ClickException(_field_message(error)) from None
    click.echo(plaintext)


@click.group("export")
def export_group():
    """Exports of the top ideas."""


@export_group.command("solutions")
@click.option("--format", "fmt", type=click.Choice(list(WRITERS)), default="csv", show_default=True)
@click.option("--community", "community_slug", help="The community's slug (or give --challenge).")
@click.option("--challenge", "challenge_id", type=int, help="Only this challenge's solutions.")
@click.option("--status", type=click.Choice(exports.STATUSES))
@click.option("--min-votes", type=click.IntRange(min=0))
@click.option("--since", type=click.DateTime(), help="Only solutions posted at or after this time (UTC).")
@click.option("--sort", type=click.Choice(exports.SORTS), default="votes", show_default=True)
@click.option("--limit", type=click.IntRange(1, exports.LIMIT_MAX))
@click.option("--include-hidden", is_flag=True, help="Take hidden and pending solutions too.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
def export_solutions(fmt, community_slug, challenge_id, status, min_votes, since, sort, limit, include_hidden, output):
    """Write the solutions of a community or a challenge as CSV, XLSX or JSON."""
    try:
        community = communities.get_community(community_slug) if community_slug else None
        spec = exports.make_spec(
            community, challenge_id, status=status, min_votes=min_votes, since=since, sort=sort, limit=limit
        )
        rows = exports.rows(None, spec, include_hidden=include_hidden)
    except DomainError as error:
        raise click.ClickException(_field_message(error)) from None
    target = open(output, "wb") if output and output != "-" else sys.stdout.buffer  # noqa: SIM115
    # The rows link to solution pages, and links need an address: the one fans use.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        try:
            for chunk in WRITERS[fmt](rows):
                target.write(chunk)
        finally:
            if target is not sys.stdout.buffer:
                target.close()


@click.command("seed-bench")
@click.option("--communities", default=20, show_default=True)
@click.option("--challenges", default=2000, show_default=True)
@click.option("--solutions", default=100_000, show_default=True)
@click.option("--votes", default=1_000_000, show_default=True)
@click.option("--comments", default=300_000, show_default=True)
@click.option("--users", default=20_000, show_default=True)
@click.option("--index/--no-index", default=True, show_default=True, help="Build the search index too.")
def seed_bench(communities, challenges, solutions, votes, comments, users, index):
    """Generate a large forum with mixed Chinese and English text, for benchmarks."""
    from forum.bench_seed import seed

    click.echo("Seeding:")
    timings = seed(communities, challenges, solutions, votes, comments, users, echo=click.echo)
    if index:
        started = time.perf_counter()
        count = rebuild_index()
        click.echo(f"  search index: {count} documents in {time.perf_counter() - started:.1f} s")
    click.echo(f"Done in {timings['total']:.1f} s before indexing.")


@click.group("digests")
def digests_group():
    """Notification mail digests (the consumer sends them on schedule)."""


@digests_group.command("send")
@click.option("--frequency", type=click.Choice(["daily", "weekly", "each"]), default="daily", show_default=True)
def digests_send(frequency):
    """Mail every member on that frequency what they have not been mailed yet (nothing new: no mail)."""
    click.echo(f"Queued {digests.send(frequency)} mails; the consumer sends them.")


@click.group("points")
def points_group():
    """Points, levels and leaderboards."""


@points_group.command("rebuild")
def points_rebuild():
    """Recompute every member's points from the records."""
    click.echo(f"Recomputed the points of {points.rebuild_all()} solutions.")


@click.group("search")
def search_group():
    """The search index."""


@search_group.command("reindex")
def search_reindex():
    """Rebuild the search index from the database."""
    started = time.perf_counter()
    count = rebuild_index()
    click.echo(f"Indexed {count} documents in {time.perf_counter() - started:.1f} s.")


@search_group.command("drain")
def search_drain():
    """Apply pending changes to the index now (the consumer does it after each change)."""
    click.echo(f"Applied {queue.drain()} queued changes.")


@click.command("create-user")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(ROLES), default="fan", show_default=True)
@click.option("--community", "community_slug", help="Community for a staff or product-team role.")
@audited_as_command_line
@writes
def create_user(name, email, password, role, community_slug):
    """Create a user with a role; staff need --community, product may have one."""
    if role == "staff" and not community_slug:
        raise click.UsageError("--role staff needs --community SLUG")
    if role in ("fan", "admin") and community_slug:
        raise click.UsageError(f"--community does not apply to --role {role}")
    try:
        community = communities.get_community(community_slug) if community_slug else None
        user = accounts.register(name, email, password)
        if community is not None:
            communities.grant_role(None, user, community, role)
        elif role != "fan":
            accounts.set_site_role(None, user, role)
    except DomainError as error:
        raise click.ClickException(_field_message(error)) from None
    where = f" in {community.slug}" if community else ""
    click.echo(f"Created {user.username} ({role}{where}).")


@click.command("seed-demo")
@audited_as_command_line
def seed_demo():
    """Load the demo communities and users on first run; print the demo logins."""
    path = demo.logins_file(current_app.config["SQLALCHEMY_DATABASE_URI"], current_app.instance_path)
    with unit_of_work():
        logins = demo.load()
    if logins is None:
        click.echo("Demo data is already loaded.")
        logins = demo.saved_logins(path)
    else:
        demo.save_logins(path, logins)  # once the users exist: the file names no password that does not
    click.echo(demo.format_logins(logins))
    if path:
        click.echo(f"(kept in {path})")


def _field_message(error):
    return f"{error.field}: {error.message}" if error.field else str(error.message)
