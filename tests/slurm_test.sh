#!/bin/sh
echo "slurm test: TODO"
