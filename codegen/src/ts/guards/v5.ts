
/**
 * next-auth v5 middleware for `rules`: `export default auth(routeGuard(rules))`. A signed-out
 * request is redirected to sign-in with `callbackUrl`; a forbidden one answers 403 (or is
 * redirected, see {@link RouteGuardOptions}); anything else goes on.
 */
export function routeGuard(
  rules: RouteRules,
  options: RouteGuardOptions = {},
): (req: { readonly nextUrl: URL; readonly auth: MaybeSession }) => Response | undefined {
  return (req) => {
    const verdict = checkRoute(rules, req.nextUrl.pathname, req.auth);
    return verdict === "allow" ? undefined : routeDenial(verdict, req.nextUrl, options);
  };
}
