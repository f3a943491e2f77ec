"""nginx.conf.j2, haproxy.cfg.j2 and loadbalancer.bicep.j2 in Python (see configgen.render.builtin)."""

from __future__ import annotations

from typing import Any

from configgen.render.escape import bicep_str as bicep
from configgen.render.escape import comment_text as comment
from configgen.render.escape import config_token as token
from configgen.render.escape import int_literal as int_


def nginx(ctx: dict[str, Any]) -> str:
    b, proxy, up, live = ctx["balancer"], ctx["proxy"], ctx["upstream"], ctx["health"]["liveness"]
    out = [
        f"# LiteLLM proxies of {comment(ctx['project'])} / {comment(ctx['env'])} behind nginx.\n"
        "# Include it inside http { } (Debian: drop it into /etc/nginx/conf.d/), then `nginx -t && nginx -s reload`.\n"
        "# nginx (open source) has no active health checks: a proxy that refuses connections is skipped for\n"
        "# fail_timeout after max_fails errors, and the request is retried on the next one. Probe each proxy's\n"
        f"# {comment(live)} from your monitoring (never /health: it calls every Azure deployment).\n"
        f"upstream {token(up)} {{\n"
        "    # Streamed completions last long: send new requests to the least busy proxy.\n"
        "    least_conn;\n"
    ]
    for i in proxy["instances"]:
        out.append(f"    server {token(i['host'])}:{int_(i['port'])} max_fails=2 fail_timeout=10s;\n")
    out.append(
        "    keepalive 32;\n"
        "    # LiteLLM's uvicorn closes idle connections after 5 s (timeout_keep_alive): give them up first,\n"
        "    # or a POST sent on a connection uvicorn is closing fails with 502 and cannot be retried.\n"
        "    keepalive_timeout 4s;\n}\n\nserver {\n"
    )
    listen = f"{token(b['listen'])}:{int_(b['port'])}"
    if b["tls"]:
        out.append(
            f"    listen {listen} ssl;\n"
            f"    ssl_certificate {token(b['tls']['cert'])};\n"
            f"    ssl_certificate_key {token(b['tls']['key'])};\n"
            "    ssl_protocols TLSv1.2 TLSv1.3;\n"
            "    ssl_session_cache shared:litellm_tls:10m;\n"
        )
    else:
        out.append(f"    listen {listen};\n")
    n = len(proxy["instances"])
    out.append(
        f"    server_name {token(b['host'])};\n\n"
        "    # Large prompts (whole spreadsheets) must fit; nginx's default of 1m answers 413.\n"
        f"    client_max_body_size {int_(b['max_body_size_mb'])}m;\n\n"
        "    # Load-balancer and monitoring probe: needs no key and never calls Azure OpenAI.\n"
        f"    location = {token(live)} {{\n"
        f"        proxy_pass http://{token(up)};\n"
        "        proxy_http_version 1.1;\n"
        '        proxy_set_header Connection "";\n'
        f"        proxy_connect_timeout {int_(b['connect_timeout'])}s;\n"
        "        proxy_read_timeout 10s;\n    }\n\n"
        "    location / {\n"
        f"        proxy_pass http://{token(up)};\n"
        "        proxy_http_version 1.1;\n"
        '        proxy_set_header Connection "";\n'
        "        proxy_set_header Host $host;\n"
        "        proxy_set_header X-Real-IP $remote_addr;\n"
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "        proxy_set_header X-Forwarded-Proto $scheme;\n\n"
        "        # Server-sent events (stream: true) must reach the client token by token.\n"
        "        proxy_buffering off;\n        proxy_request_buffering off;\n        proxy_cache off;\n\n"
        "        # A non-streamed completion sends nothing until the model has finished: wait long enough.\n"
        f"        proxy_connect_timeout {int_(b['connect_timeout'])}s;\n"
        f"        proxy_send_timeout {int_(b['read_timeout'])}s;\n"
        f"        proxy_read_timeout {int_(b['read_timeout'])}s;\n\n"
        "        # A proxy that is down (connection refused or timed out): try the next one. nginx passes a\n"
        "        # POST on only while nothing of it was sent, so a completion is never run twice.\n"
        "        proxy_next_upstream error timeout;\n"
        f"        proxy_next_upstream_tries {int_(n)};\n"
        f"        proxy_next_upstream_timeout {int_(b['connect_timeout'] * n)}s;\n    }}\n}}\n"
    )
    return "".join(out)


def haproxy(ctx: dict[str, Any]) -> str:
    b, proxy, up = ctx["balancer"], ctx["proxy"], ctx["upstream"]
    out = [
        f"# LiteLLM proxies of {comment(ctx['project'])} / {comment(ctx['env'])} behind HAProxy.\n"
        "# Append to haproxy.cfg after its global and defaults sections (or pass it as a second -f), then\n"
        "# `haproxy -c -f haproxy.cfg` and reload.\n"
        f"frontend {token(up)}\n    mode http\n"
    ]
    bind = f"    bind {token(b['listen'])}:{int_(b['port'])}"
    if b["tls"]:
        out.append(
            "    # HAProxy 2.6 reads the key from the same PEM, or from `<crt>.key` beside it (ssl-load-extra-files).\n"
            f"{bind} ssl crt {token(b['tls']['cert'])} alpn http/1.1\n"
            "    http-request set-header X-Forwarded-Proto https\n"
        )
    else:
        out.append(f"{bind}\n    http-request set-header X-Forwarded-Proto http\n")
    out.append(
        "    option forwardfor\n"
        "    # Long streamed completions: the client side may stay quiet for as long as the model thinks.\n"
        f"    timeout client {int_(b['read_timeout'])}s\n"
        "    # Large prompts must fit; larger bodies get 413 here instead of a confusing upstream error.\n"
        "    http-request deny deny_status 413 if { req.hdr_val(content-length) gt "
        f"{int_(b['max_body_size_mb'] * 1048576)} }}\n"
        f"    default_backend {token(up)}_proxies\n\n"
        f"backend {token(up)}_proxies\n"
        "    mode http\n    balance leastconn\n"
        "    # /health/liveliness needs no key and does not call Azure (never probe /health).\n"
        "    option httpchk\n"
        f"    http-check send meth GET uri {token(ctx['health']['liveness'])}\n"
        "    http-check expect status 200\n"
        "    # A proxy that refuses the connection: retry the request on another one. Only conn-failure:\n"
        "    # the request was not sent, so a completion is never run (and billed) twice.\n"
        f"    retries {int_(max(len(proxy['instances']) - 1, 1))}\n"
        "    retry-on conn-failure\n    option redispatch 1\n"
        f"    timeout connect {int_(b['connect_timeout'])}s\n"
        "    # A non-streamed completion sends nothing until the model has finished: wait long enough.\n"
        f"    timeout server {int_(b['read_timeout'])}s\n"
    )
    for i in proxy["instances"]:
        out.append(f"    server {token(i['name'])} {token(i['host'])}:{int_(i['port'])} check inter 5s fall 2 rise 2\n")
    return "".join(out)


_BICEP_HEAD = """
@description('Resource id of the subnet the proxies and the frontend IP live in.')
param subnetId string

@description('Azure region.')
param location string = resourceGroup().location

@description('Name of the load balancer.')
"""

_BICEP_LB = """]

resource lb 'Microsoft.Network/loadBalancers@2023-09-01' = {
  name: name
  location: location
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    frontendIPConfigurations: [
      {
        name: 'frontend'
        properties: {
          privateIPAllocationMethod: 'Static'
          privateIPAddress: frontendIp
          subnet: {
            id: subnetId
          }
        }
      }
    ]
    backendAddressPools: [
      {
        name: 'litellm'
        properties: {
          loadBalancerBackendAddresses: [for (ip, idx) in backendAddresses: {
            name: 'litellm-${idx + 1}'
            properties: {
              ipAddress: ip
              virtualNetwork: {
                id: join(take(split(subnetId, '/'), 9), '/')
              }
            }
          }]
        }
      }
    ]
    probes: [
      {
        // /health/liveliness needs no key and does not call Azure OpenAI (never probe /health).
        name: 'litellm-liveliness'
        properties: {
          protocol: 'Http'
"""

_BICEP_TAIL = """          enableTcpReset: true
          loadDistribution: 'Default'
          disableOutboundSnat: true
          frontendIPConfiguration: {
            id: resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', name, 'frontend')
          }
          backendAddressPool: {
            id: resourceId('Microsoft.Network/loadBalancers/backendAddressPools', name, 'litellm')
          }
          probe: {
            id: resourceId('Microsoft.Network/loadBalancers/probes', name, 'litellm-liveliness')
          }
        }
      }
    ]
  }
}

output frontendAddress string = frontendIp
"""


def bicep_lb(ctx: dict[str, Any]) -> str:
    b, port = ctx["balancer"], ctx["proxy_port"]
    out = [
        f"// Internal Standard Load Balancer for the LiteLLM proxies of {comment(ctx['project'])} / "
        f"{comment(ctx['env'])}.\n"
        "// Layer 4: it forwards TCP and cannot terminate TLS. Deploy with:\n"
        "//   az deployment group create -g <rg> -f loadbalancer.bicep -p subnetId=<subnet resource id>\n",
        _BICEP_HEAD,
        f"param name string = {bicep(ctx['lb_name'])}\n\n",
        f"var frontendIp = {bicep(b['host'])}\nvar backendAddresses = [\n",
    ]
    out += [f"  {bicep(i['host'])}\n" for i in ctx["proxy"]["instances"]]
    out.append(_BICEP_LB)
    # Minutes, rounded up, within Azure's 5..100 (the template's `[[x, 5]|max, 100]|min`).
    idle = min(max((b["read_timeout"] + 59) // 60, 5), 100)
    out.append(
        f"          port: {int_(port)}\n"
        f"          requestPath: {bicep(ctx['health']['liveness'])}\n"
        "          intervalInSeconds: 5\n          numberOfProbes: 2\n          probeThreshold: 2\n"
        "        }\n      }\n    ]\n    loadBalancingRules: [\n      {\n        name: 'litellm'\n"
        "        properties: {\n          protocol: 'Tcp'\n"
        f"          frontendPort: {int_(b['port'])}\n"
        f"          backendPort: {int_(port)}\n"
        "          // A completion can stay silent for minutes before its first byte: the balancer's read\n"
        "          // timeout rounded up to minutes (Azure allows 4 to 100; the default 4 cuts long answers).\n"
        f"          idleTimeoutInMinutes: {int_(idle)}\n"
    )
    out.append(_BICEP_TAIL)
    return "".join(out)
