
/** The JWT `withAuth` passes (next-auth v4). */
type Token = import("next-auth/jwt").JWT | null;

/**
 * next-auth v4 `withAuth` arguments for `rules`: `export default withAuth(...routeGuard(rules))`.
 * Its `authorized` callback lets `withAuth` redirect a signed-out request to `signInUrl` (with
 * `callbackUrl`); the middleware answers 403 to a forbidden one (or redirects, see
 * {@link RouteGuardOptions}); anything else goes on.
 */
export function routeGuard(
  rules: RouteRules,
  options: RouteGuardOptions = {},
): [
  (req: { readonly nextUrl: URL; readonly nextauth: { readonly token: Token } }) => Response | undefined,
  {
    callbacks: { authorized: (params: { token: Token; req: { readonly nextUrl: URL } }) => boolean };
    pages: { signIn: string };
  },
] {
  const middleware = (req: { readonly nextUrl: URL; readonly nextauth: { readonly token: Token } }) => {
    const verdict = checkRoute(rules, req.nextUrl.pathname, req.nextauth.token);
    return verdict === "allow" ? undefined : routeDenial(verdict, req.nextUrl, options);
  };
  const authorized = ({ token, req }: { token: Token; req: { readonly nextUrl: URL } }) =>
    checkRoute(rules, req.nextUrl.pathname, token) !== "unauthorized";
  return [middleware, { callbacks: { authorized }, pages: { signIn: options.signInUrl ?? "/api/auth/signin" } }];
}
