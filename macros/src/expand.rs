//! Code generation for the derives.

use authgen_codegen::frontend::{self, ast::Container};
use authgen_codegen::model::{FieldRole, ItemKind};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// Expands one derive: the real impls, or every error plus stub impls.
pub fn expand(input: &syn::DeriveInput, kind: ItemKind) -> TokenStream {
    let (container, errors) = frontend::parse_derive(input, kind);
    let errors = errors.iter().map(syn::Error::to_compile_error);
    // When the item's shape was usable, the real impls are emitted even next to errors (fields
    // in error are left out of them), so one mistake does not cascade; otherwise stubs.
    let complete = container.as_ref().is_some_and(|c| is_complete(input, c));
    let body = match &container {
        Some(c) if complete => real(c),
        _ => stub(input, kind, container.as_ref()),
    };
    quote! { #(#errors)* #body }
}

/// Whether the parsed item is whole: not generic and, for an enum, every variant parsed (a
/// variant in error would leave the generated `match`es incomplete).
fn is_complete(input: &syn::DeriveInput, c: &Container) -> bool {
    input.generics.params.is_empty()
        && match &input.data {
            syn::Data::Enum(e) => !e.variants.is_empty() && e.variants.len() == c.variants.len(),
            _ => true,
        }
}

fn krate_of(input: &syn::DeriveInput, container: Option<&Container>) -> syn::Path {
    container.map(|c| c.krate.clone()).unwrap_or_else(|| {
        let _ = input;
        syn::parse_quote!(::authgen)
    })
}

/// After an error: the impls other code relies on, with bodies that are never reached (the crate
/// does not compile), so one mistake does not turn into many.
fn stub(input: &syn::DeriveInput, kind: ItemKind, container: Option<&Container>) -> TokenStream {
    let krate = krate_of(input, container);
    let ident = &input.ident;
    let (impl_g, ty_g, where_g) = input.generics.split_for_impl();
    let marker = quote! { impl #impl_g #krate::__private::Described for #ident #ty_g #where_g {} };
    match kind {
        ItemKind::Role
            if input.generics.params.is_empty() && matches!(input.data, syn::Data::Enum(_)) =>
        {
            let ext = container.map(role_ext).unwrap_or_default();
            quote! {
                #marker
                impl #krate::Role for #ident {
                    const ALL: &'static [Self] = &[];
                    fn rank(self) -> usize { ::core::unreachable!() }
                    fn as_str(self) -> &'static str { ::core::unreachable!() }
                }
                impl #krate::HasRole for #ident {
                    type Role = #ident;
                    fn role(&self) -> ::core::option::Option<#ident> { ::core::unreachable!() }
                }
                #ext
            }
        }
        ItemKind::Permission
            if input.generics.params.is_empty() && matches!(input.data, syn::Data::Enum(_)) =>
        {
            quote! {
                #marker
                impl #krate::Permission for #ident {
                    fn as_str(&self) -> &str { ::core::unreachable!() }
                }
            }
        }
        _ => marker,
    }
}

fn doc(text: &str) -> TokenStream {
    let text = format!(" {text}");
    quote! { #[doc = #text] }
}

fn real(c: &Container) -> TokenStream {
    let krate = &c.krate;
    let ident = &c.ident;
    let json = serde_json::to_string(&c.item).expect("the model always serializes");
    let describe = quote! {
        impl #krate::__private::Described for #ident {}
        #krate::__describe!(#ident, #json);
    };
    let body = match c.kind {
        ItemKind::Role => role(c),
        ItemKind::Permission => permission(c),
        ItemKind::Type if !c.variants.is_empty() => unit_enum(c),
        _ => principal(c),
    };
    let checks = named_checks(c);
    quote! {
        #describe
        #body
        #checks
    }
}

/// `ALL`, `as_str`, `FromStr`, `Display` for any unit enum.
fn enum_basics(c: &Container) -> TokenStream {
    let krate = &c.krate;
    let ident = &c.ident;
    let name = ident.to_string();
    let variants = &c.variants;
    let wires: Vec<&str> = c.item.variants().iter().map(|v| v.wire.as_str()).collect();
    let n = variants.len();
    let all_doc = doc(&format!("Every `{name}`, in declaration order."));
    let as_str_doc = doc("The wire name, as serde writes it.");
    quote! {
        #[automatically_derived]
        impl #ident {
            #all_doc
            pub const ALL: [#ident; #n] = [#(#ident::#variants),*];
            #as_str_doc
            pub const fn as_str(&self) -> &'static str {
                match self { #(#ident::#variants => #wires,)* }
            }
        }
        #[automatically_derived]
        impl ::core::str::FromStr for #ident {
            type Err = #krate::ParseEnumError;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                match s {
                    #(#wires => ::core::result::Result::Ok(#ident::#variants),)*
                    _ => ::core::result::Result::Err(#krate::ParseEnumError::new(#name, s, &[#(#wires),*])),
                }
            }
        }
        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn unit_enum(c: &Container) -> TokenStream {
    enum_basics(c)
}

fn role(c: &Container) -> TokenStream {
    let krate = &c.krate;
    let ident = &c.ident;
    let variants = &c.variants;
    let ranks = 0..variants.len();
    let basics = enum_basics(c);
    let ext = role_ext(c);
    let rank_doc = doc("Position in the hierarchy: 0 for the first declared role.");
    let includes_doc = doc("Whether this role grants at least `other`'s privileges.");
    quote! {
        #basics
        #[automatically_derived]
        impl #ident {
            #rank_doc
            pub const fn rank(&self) -> usize {
                match self { #(#ident::#variants => #ranks,)* }
            }
            #includes_doc
            pub const fn includes(&self, other: #ident) -> bool {
                self.rank() >= other.rank()
            }
        }
        #[automatically_derived]
        impl #krate::Role for #ident {
            const ALL: &'static [Self] = &#ident::ALL;
            fn rank(self) -> usize { #ident::rank(&self) }
            fn as_str(self) -> &'static str { #ident::as_str(&self) }
        }
        #[automatically_derived]
        impl #krate::HasRole for #ident {
            type Role = #ident;
            fn role(&self) -> ::core::option::Option<#ident> { ::core::option::Option::Some(*self) }
        }
        #ext
    }
}

/// The extension trait with one `is_<role>()` per parsed variant (also emitted after an error).
fn role_ext(c: &Container) -> TokenStream {
    let krate = &c.krate;
    let ident = &c.ident;
    let vis = &c.vis;
    let ext = c
        .ext_trait
        .clone()
        .unwrap_or_else(|| format_ident!("{}Ext", ident));
    let checks = c.item.variants().iter().zip(&c.variants).map(|(v, var)| {
        let method = format_ident!(
            "is_{}",
            authgen_codegen::frontend::case::RenameRule::SnakeCase.apply_to_variant(&v.name)
        );
        let d = doc(&format!(
            "Whether the subject is at least `{}` (`{}`); `None` never is.",
            v.name, v.wire
        ));
        quote! { #d fn #method(&self) -> bool { #krate::HasRole::has_role(self, #ident::#var) } }
    });
    let ext_doc = doc(&format!(
        "One check per `{ident}`, for every subject with a `{ident}`: users, sessions, JWT claims and `Option`s of them. \
         Generated by `#[derive(AuthRole)]`."
    ));
    quote! {
        #ext_doc
        #vis trait #ext: #krate::HasRole<Role = #ident> {
            #(#checks)*
        }
        impl<T: #krate::HasRole<Role = #ident> + ?::core::marker::Sized> #ext for T {}
    }
}

fn permission(c: &Container) -> TokenStream {
    let krate = &c.krate;
    let ident = &c.ident;
    let basics = enum_basics(c);
    quote! {
        #basics
        #[automatically_derived]
        impl #krate::Permission for #ident {
            fn as_str(&self) -> &str { #ident::as_str(self) }
        }
    }
}

/// The first generic type argument of the last path segment (`T` in `Vec<T>`).
fn first_arg(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    a.args.iter().find_map(|g| match g {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

fn principal(c: &Container) -> TokenStream {
    let krate = &c.krate;
    let ident = &c.ident;
    let mut out = TokenStream::new();
    // One impl per trait: a second role or permissions field was reported as an error.
    let mut seen = Vec::new();
    for (f, model_field) in c.fields.iter().zip(c.item.fields()) {
        let member = &f.member;
        if let Some(role) = f.role {
            if seen.contains(&role) {
                continue;
            }
            seen.push(role);
        }
        match f.role {
            Some(FieldRole::Role) if model_field.is_free_form_role() => {
                out.extend(role_name_impl(c, f));
            }
            Some(FieldRole::Role) => {
                let Some(leaf) = f.named.first() else {
                    continue;
                };
                let span = f.ty.span();
                let value = match (f.optional, f.is_list) {
                    (false, false) => quote! { ::core::option::Option::Some(self.#member) },
                    (true, false) => quote! { self.#member },
                    // Iterator methods by path: the user's module may have no prelude.
                    (false, true) => quote! {
                        ::core::iter::Iterator::max_by_key(
                            ::core::iter::Iterator::copied(self.#member.iter()),
                            |r| #krate::Role::rank(*r),
                        )
                    },
                    (true, true) => quote! {
                        self.#member.as_ref().and_then(|v| ::core::iter::Iterator::max_by_key(
                            ::core::iter::Iterator::copied(v.iter()),
                            |r| #krate::Role::rank(*r),
                        ))
                    },
                };
                let assoc = quote_spanned! {span=> type Role = #leaf; };
                out.extend(quote! {
                    #[automatically_derived]
                    impl #krate::HasRole for #ident {
                        #assoc
                        fn role(&self) -> ::core::option::Option<Self::Role> { #value }
                    }
                });
            }
            Some(FieldRole::Permissions) => {
                let list = if f.optional {
                    first_arg(&f.ty)
                } else {
                    Some(&f.ty)
                };
                let Some(elem) = list.and_then(first_arg) else {
                    continue;
                };
                let span = f.ty.span();
                let value = if f.optional {
                    quote! { self.#member.as_deref().unwrap_or(&[]) }
                } else {
                    quote! { &self.#member }
                };
                let assoc = quote_spanned! {span=> type Permission = #elem; };
                out.extend(quote! {
                    #[automatically_derived]
                    impl #krate::HasPermissions for #ident {
                        #assoc
                        fn permissions(&self) -> &[Self::Permission] { #value }
                    }
                });
            }
            Some(FieldRole::User) => {
                let Some(user) = f.named.first() else {
                    continue;
                };
                // Delegate to `session.user` when its type carries a role or permissions; the
                // higher-ranked bound keeps the impl valid (and absent) when it does not.
                out.extend(quote! {
                    #[automatically_derived]
                    impl #krate::HasRole for #ident where for<'__authgen> #user: #krate::HasRole {
                        type Role = <#user as #krate::HasRole>::Role;
                        fn role(&self) -> ::core::option::Option<Self::Role> { #krate::HasRole::role(&self.#member) }
                        fn has_subject(&self) -> bool { #krate::HasRole::has_subject(&self.#member) }
                    }
                    #[automatically_derived]
                    impl #krate::HasRoleName for #ident where for<'__authgen> #user: #krate::HasRoleName {
                        fn role_name(&self) -> ::core::option::Option<&str> { #krate::HasRoleName::role_name(&self.#member) }
                        fn has_role_subject(&self) -> bool { #krate::HasRoleName::has_role_subject(&self.#member) }
                    }
                    #[automatically_derived]
                    impl #krate::HasPermissions for #ident where for<'__authgen> #user: #krate::HasPermissions {
                        type Permission = <#user as #krate::HasPermissions>::Permission;
                        fn permissions(&self) -> &[Self::Permission] { #krate::HasPermissions::permissions(&self.#member) }
                        fn is_present(&self) -> bool { #krate::HasPermissions::is_present(&self.#member) }
                    }
                });
            }
            None => {}
        }
    }
    out
}

/// `HasRoleName` for a free-form role field (`String` or `Option<String>`: the front end refused
/// every other type).
fn role_name_impl(c: &Container, f: &authgen_codegen::frontend::ast::Field) -> TokenStream {
    let krate = &c.krate;
    let ident = &c.ident;
    let member = &f.member;
    let value = if f.optional {
        quote! { ::core::option::Option::as_deref(&self.#member) }
    } else {
        quote! { ::core::option::Option::Some(::core::ops::Deref::deref(&self.#member)) }
    };
    quote! {
        #[automatically_derived]
        impl #krate::HasRoleName for #ident {
            fn role_name(&self) -> ::core::option::Option<&str> { #value }
        }
    }
}

/// Compile-time checks that every named type a field uses is an authgen type, spanned at the
/// type so the error points at it.
fn named_checks(c: &Container) -> TokenStream {
    let krate = &c.krate;
    let checks: Vec<TokenStream> = c
        .fields
        .iter()
        .flat_map(|f| f.named.iter())
        .map(|ty| {
            let span = ty.span();
            quote_spanned! {span=> #krate::__private::assert_described::<#ty>(); }
        })
        .collect();
    if checks.is_empty() {
        return TokenStream::new();
    }
    let _ = Span::call_site();
    quote! {
        const _: () = {
            #[allow(dead_code)]
            fn __authgen_field_types() { #(#checks)* }
        };
    }
}
