resource lb 'Microsoft.Network/loadBalancers@2023-09-01' = {
  name: 'x
