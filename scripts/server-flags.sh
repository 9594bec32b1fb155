# The flags Redis and MariaDB run with, in the tests (tests/VotingApp.Testing/ServerFlags.cs reads this file
# through bash) and in the benchmark (bench/lib.sh sources it): durability as storage expects it (Redis's
# append-only file, fsync once a second; InnoDB's log flushed at each commit), and room for the load.
# Sourced, not run. The address, port and folders are each caller's own.
REDIS_FLAGS=(--appendonly yes --appendfsync everysec --save "" --protected-mode no)
MARIADB_FLAGS=(--skip-name-resolve --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=1 --max-connections=300)
