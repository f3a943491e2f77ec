// Internal Standard Load Balancer for the LiteLLM proxies of chatsheetai / prod-dr.
// Layer 4: it forwards TCP and cannot terminate TLS. Deploy with:
//   az deployment group create -g <rg> -f loadbalancer.bicep -p subnetId=<subnet resource id>

@description('Resource id of the subnet the proxies and the frontend IP live in.')
param subnetId string

@description('Azure region.')
param location string = resourceGroup().location

@description('Name of the load balancer.')
param name string = 'lb-litellm-chatsheetai-prod-dr'

var frontendIp = '10.30.1.100'
var backendAddresses = [
  '10.30.1.10'
  '10.30.1.11'
]

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
          port: 4000
          requestPath: '/health/liveliness'
          intervalInSeconds: 5
          numberOfProbes: 2
          probeThreshold: 2
        }
      }
    ]
    loadBalancingRules: [
      {
        name: 'litellm'
        properties: {
          protocol: 'Tcp'
          frontendPort: 4000
          backendPort: 4000
          // A completion can stay silent for minutes before its first byte: the balancer's read
          // timeout rounded up to minutes (Azure allows 4 to 100; the default 4 cuts long answers).
          idleTimeoutInMinutes: 4
          enableTcpReset: true
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
