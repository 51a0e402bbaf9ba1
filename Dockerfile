FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY backend ./backend
RUN pip install --no-cache-dir .
ENV ANXUN_DATA_DIR=/data ANXUN_HOST=0.0.0.0
VOLUME /data
EXPOSE 8000
CMD ["sh", "-c", "anxun setup && anxun serve --workers 2"]
