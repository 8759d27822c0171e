import {InputError} from '../util/errors.js'

/*
 * Names from flags end up in request paths: a namespace of "kube-system/pods?command=id&x=" would put a
 * command into an exec query. They are checked as Kubernetes checks them before any request is made.
 */

// RFC 1123 label (namespaces) and subdomain (pods, nodes), as apimachinery validates them
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

export function checkNamespace(flag: string, name: string): string {
  if (name.length > 63 || !LABEL.test(name)) {
    throw new InputError(`${flag} "${name}": not a Kubernetes namespace name (lower-case letters, digits and '-', at most 63 characters)`)
  }
  return name
}

export function checkNodeName(flag: string, name: string): string {
  if (name.length > 253 || !SUBDOMAIN.test(name)) {
    throw new InputError(`${flag} "${name}": not a Kubernetes node name (lower-case letters, digits, '-' and '.', at most 253 characters)`)
  }
  return name
}

/** One path segment, encoded: names read from the API are never trusted to be path-safe either. */
export function seg(name: string): string {
  return encodeURIComponent(name)
}
