#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume (the image runs every
# script in /docker-entrypoint-initdb.d). Creates Metabase's application database and its owner,
# and closes both databases to everyone not granted CONNECT explicitly: the warehouse's roles
# (analyst, loader) get CONNECT from migration 0004, Metabase's user only on its own database.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v mb_db="${METABASE_DB_NAME:-metabase}" \
    -v mb_user="${METABASE_DB_USER:-metabase}" \
    -v mb_password="$METABASE_DB_PASSWORD" \
    -v warehouse_db="$POSTGRES_DB" <<'EOSQL'
create role :"mb_user" with login password :'mb_password';
create database :"mb_db" with owner :"mb_user";
revoke connect, temporary on database :"mb_db" from public;
revoke connect, temporary on database :"warehouse_db" from public;
EOSQL
