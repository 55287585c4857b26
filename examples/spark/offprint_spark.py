#!/usr/bin/env python3
"""Convert JSON Lines records of HTML pages to Markdown on Spark, through `offprint export --jsonl`.

    offprint_spark.py INPUT.jsonl OUTPUT_DIR [--partitions N] [-- OFFPRINT_OPTIONS...]

INPUT.jsonl holds one record a line: {"id": ..., "html": "...", "url"?: ..., "content"?:
"auto"|"main"|"all", "front_matter"?: "yaml"|"toml"|"none"} (a file, a folder or a glob;
any path Spark reads: hdfs://, s3a://, ...). Each partition is piped through one
`offprint export --jsonl` process (RDD.pipe); OUTPUT_DIR gets Spark's part-* files, one JSON
line per input record, in input order:
{"id", "markdown", "title", "authors", "date", "language", "url", "warnings"}, or
{"id", "line", "error"} for a record that could not be converted (the job goes on; "line"
counts the lines of the record's partition, so give every record an id).

The binary: $OFFPRINT (a path; a relative one like ./offprint is resolved in each executor's
working folder, where `spark-submit --files /path/to/offprint` puts it), else `offprint` on
the executors' PATH. Options after `--` go to `offprint export` (e.g. -- --content main).

Local:    OFFPRINT=$PWD/.build/release/offprint python3 examples/spark/offprint_spark.py in.jsonl out/
Cluster:  OFFPRINT=./offprint spark-submit --master yarn --files .build/release/offprint \\
              --conf spark.executorEnv.OFFPRINT=./offprint examples/spark/offprint_spark.py \\
              hdfs:///crawl/records/*.jsonl hdfs:///crawl/markdown/
"""
import argparse
import os
import shlex
import shutil
import sys

from pyspark.sql import SparkSession


def offprint_command(extra, jobs):
    """The command each partition is piped through."""
    binary = os.environ.get("OFFPRINT") or shutil.which("offprint") or "offprint"
    return [binary, "export", "--jsonl", "--quiet", "--jobs", str(jobs)] + list(extra)


def main(argv):
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    parser = argparse.ArgumentParser(description="HTML records (JSON Lines) -> Markdown records, with offprint on Spark.")
    parser.add_argument("input", help="JSON Lines records: a file, folder or glob Spark can read")
    parser.add_argument("output", help="output folder (must not exist): part-* JSON Lines files")
    parser.add_argument("--partitions", type=int, default=None,
                        help="at least this many partitions (default: Spark's split of the input)")
    args = parser.parse_args(argv)

    spark = SparkSession.builder.appName("offprint-jsonl").getOrCreate()
    sc = spark.sparkContext
    # One offprint process per task; a task has spark.task.cpus cores (default 1).
    jobs = int(sc.getConf().get("spark.task.cpus", "1"))
    command = offprint_command(extra, jobs)

    # No shuffle anywhere: partition i holds a contiguous run of input lines and part-i its
    # output, so the part files read in name order are the records in input order.
    records = sc.textFile(args.input, minPartitions=args.partitions) if args.partitions else sc.textFile(args.input)
    # Blank lines are not records (offprint skips them too); Spark would pipe them as-is.
    records = records.filter(lambda line: line.strip() != "")
    # RDD.pipe writes each element and a newline to the process's standard input and yields
    # its output lines: offprint writes exactly one line per record, in input order.
    # checkCode: a crashed offprint fails the task (and Spark retries it) instead of silently
    # dropping records.
    # RDD.pipe starts the process with only `env` as its environment.
    env = {"LC_ALL": "C.UTF-8", "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")}
    markdown = records.pipe(shlex.join(command), env=env, checkCode=True)
    markdown.saveAsTextFile(args.output)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
