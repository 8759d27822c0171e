import type {LogCondition} from './catalog.js'

/*
 * The cloud-IPAM operator's own lines about a node that cannot get more pod addresses (pkg/ipam/node.go:
 * "Instance is out of interfaces", earlier "Instance is out of ENIs"; "Unable to create interface on instance"
 * and "Unable to resolve IP deficit of node" / "Unable to maintain ip pool of node" with the cloud's error code).
 * Reported by the mode-specific rule eni-ip-exhaustion, not by log-conditions.
 * Public samples: https://github.com/cilium/cilium/issues/8830 , https://github.com/cilium/cilium/issues/9730 ,
 * https://github.com/cilium/cilium/issues/21747 , https://github.com/cilium/cilium/issues/36428 .
 */
const AWS_LIMIT = /AttachmentLimitExceeded|PrivateIpAddressLimitExceeded|IpAddressLimitExceeded|EniPerInstanceLimitExceeded/

export const ENI_CONDITIONS: LogCondition[] = [
  {
    id: 'eni-out-of-interfaces', title: 'Node at its interface limit', severity: 'info', reportedBy: 'eni-ip-exhaustion',
    msg: /^Instance is out of (interfaces|ENIs)/,
    reading: 'the instance has attached as many interfaces as its type allows: the node is at capacity (pkg/ipam/node.go calls this no failure and warns once an hour), and pods beyond its addresses will not start',
    fix: () => 'Pods beyond the instance type\'s interfaces × addresses per interface stay in ContainerCreating: enable prefix delegation (eni.awsEnablePrefixDelegation, Nitro instances only), use larger instance types, or cap maxPods to what the type can address.',
    url: 'https://docs.cilium.io/en/stable/network/concepts/ipam/eni/',
  },
  {
    id: 'eni-subnet-exhausted', title: 'Pod subnets out of addresses', severity: 'critical', reportedBy: 'eni-ip-exhaustion',
    msg: /^(Unable to create interface on instance|Unable to resolve IP deficit of node|Unable to maintain ip pool of node|Unable to assign additional IPs to interface)/,
    line: /InsufficientFreeAddressesInSubnet|no matching subnet|subnet.*(exhausted|no (more )?(free|available))/i,
    reading: 'the subnets the operator may use have no free addresses left, so no node can get more pod addresses',
    fix: () => 'Add subnets (or larger ones) for pods and let the operator use them (eni.subnetIDsFilter / eni.subnetTagsFilter), or release leaked addresses; new pods on nodes without spare addresses fail until then.',
    url: 'https://docs.cilium.io/en/stable/network/concepts/ipam/eni/',
  },
  {
    id: 'eni-limit-exceeded', title: 'Interface or address limit of the instance type hit', severity: 'high', reportedBy: 'eni-ip-exhaustion',
    msg: /^(Unable to create interface on instance|Unable to resolve IP deficit of node|Unable to maintain ip pool of node)/,
    line: AWS_LIMIT,
    reading: 'the cloud refused another interface or address for the instance type, so the node stays short of pod addresses',
    fix: (line) => `The cloud said: ${AWS_LIMIT.exec(line)?.[0] ?? 'limit exceeded'}. Use prefix delegation (eni.awsEnablePrefixDelegation, Nitro only), larger instance types, or lower maxPods; if the operator miscounts the type's limits, upgrade Cilium (cilium#9730, cilium#15911).`,
    url: 'https://github.com/cilium/cilium/issues/9730',
  },
  {
    // the operator adds an interface next: expected, and Cilium's CI demotes it (cilium#36428)
    id: 'eni-assign-retry', title: 'Interface full, a new one is created', severity: 'info', benign: true, reportedBy: 'eni-ip-exhaustion',
    msg: /^Unable to assign additional IPs to interface, will create new interface/,
    reading: 'the interface is full and the operator creates another one; expected while the instance has interfaces left',
    fix: () => 'Nothing to do while the node still has interfaces left.',
    url: 'https://github.com/cilium/cilium/issues/36428',
  },
]
