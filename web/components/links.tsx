import { Anchor, type AnchorProps, Button, type ButtonProps } from '@mantine/core';
import { createLink, type LinkComponent } from '@tanstack/react-router';
import { forwardRef } from 'react';

// Mantine components wrapped with TanStack Router's createLink, so `to`/`params`/`search` stay typed.

type AnchorBaseProps = Omit<AnchorProps, 'href'> & React.AnchorHTMLAttributes<HTMLAnchorElement>;
const AnchorBase = forwardRef<HTMLAnchorElement, AnchorBaseProps>((props, ref) => <Anchor ref={ref} {...props} />);
const CreatedAnchorLink = createLink(AnchorBase);

/** A Mantine Anchor that navigates inside the app. */
export const AnchorLink: LinkComponent<typeof AnchorBase> = (props) => (
  <CreatedAnchorLink preload="intent" {...props} />
);

type ButtonBaseProps = Omit<ButtonProps, 'href'> & React.AnchorHTMLAttributes<HTMLAnchorElement>;
const ButtonBase = forwardRef<HTMLAnchorElement, ButtonBaseProps>((props, ref) => (
  <Button component="a" ref={ref} {...props} />
));
const CreatedButtonLink = createLink(ButtonBase);

/** A Mantine Button that navigates inside the app. */
export const ButtonLink: LinkComponent<typeof ButtonBase> = (props) => (
  <CreatedButtonLink preload="intent" {...props} />
);
