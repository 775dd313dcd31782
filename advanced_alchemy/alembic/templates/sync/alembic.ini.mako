# Alembic configuration for a project using advanced_alchemy.
#
# Commands run through advanced_alchemy (the `alchemy` CLI, `AlembicCommands`) take the database, the
# metadata and the settings marked (*) from the SQLAlchemy config. Plain `alembic ...` commands, e.g.
#   alembic revision --autogenerate -m "add tags"
#   alembic upgrade head
# read them from this file.

[alembic]
# path to the migration scripts
script_location = ${script_location}

# put the current directory on sys.path, so `target_metadata` below can import your models
prepend_sys_path = .
path_separator = os

# (*) the database; the DATABASE_URL environment variable takes precedence over this value
sqlalchemy.url =

# (*) where the models' metadata is: `package.module:attribute`, the attribute being a MetaData or
# anything with a `metadata` attribute (e.g. `app.models:Base`, or `advanced_alchemy.base:orm_registry`
# after importing the models), or just `package.module` to import the models and use the metadata of
# advanced_alchemy's registry for `bind_key`
target_metadata =
bind_key =

# (*) version table and how autogenerate renders migrations (the defaults of advanced_alchemy's config)
version_table = alembic_versions
version_table_schema =
render_as_batch = true
compare_type = false
user_module_prefix = sa.

# template used to generate migration file names
file_template = %%(year)d-%%(month).2d-%%(day).2d_%%(slug)s_%%(rev)s

# max length of characters to apply to the "slug" field
truncate_slug_length = 40

[post_write_hooks]
# hooks that run on newly generated revision scripts, e.g. a formatter:
# hooks = ruff
# ruff.type = exec
# ruff.executable = ruff
# ruff.options = format REVISION_SCRIPT_FILENAME

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
