#!/bin/sh
litellm --host 10.0.0.10 --port 4000
