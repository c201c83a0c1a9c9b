# The warehouse's ETL image: the CLI, the flows and the dbt project.
FROM python:3.11.11-slim-bookworm
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY etl ./etl
COPY flows ./flows
COPY migrations ./migrations
COPY dbt_project ./dbt_project
RUN pip install --no-cache-dir -e .
ENV ALLIANCES_WAREHOUSE_DIR=/var/lib/alliances
ENTRYPOINT ["alliances"]
CMD ["refresh"]
